/** The process's mask of connection secret values (src/emulator/secrets/mask.ts), on its own. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { secretMask } from '../../src/emulator/secrets/mask';

test('values are masked as written, percent-encoded and in base64; longest first; former values stay masked', () => {
  const a = 'p@ss w/rd+1';
  const b = 'p@ss w/rd+1-and-more';
  secretMask.add(a);
  secretMask.add(b);
  assert.equal(secretMask.text(`x ${a} y`), 'x *** y');
  assert.equal(secretMask.text(`x ${b} y`), 'x *** y', 'the longer value is masked whole');
  assert.equal(secretMask.text(`http://h/${encodeURIComponent(a)}?q=${encodeURI(a)}`), 'http://h/***?q=***');
  assert.equal(secretMask.text(`Basic ${Buffer.from(a).toString('base64')}`), 'Basic ***');
  assert.equal(secretMask.text(`${a}${a}`), '******');
  assert.equal(secretMask.text('abc'), 'abc');
  assert.equal(secretMask.text(`${a.slice(0, -1)}`), a.slice(0, -1), 'a part of a value is not masked');
  const clean = { k: ['nothing here'] };
  assert.equal(secretMask.value(clean), clean, 'unchanged values are the same object');
  assert.deepEqual(secretMask.value({ [a]: [1, `-${a}-`, { n: a }] }), { '***': [1, '-***-', { n: '***' }] });
  secretMask.remove(a);
  assert.equal(secretMask.text(a), '***', 'a value removed from the store is still masked (executions may carry it)');
  // Counted: two stores holding one value, one removes it — still live.
  secretMask.add(b);
  secretMask.remove(b);
  assert.equal(secretMask.text(b), '***');
});
