// The server-sent events reader of the gateway client: events split across chunks, comments
// skipped, and the bound on one event — a server that sends an endless line (or an endless event)
// makes the reader throw instead of growing its buffer without end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readServerSentEvents, type ServerSentEvent } from '../../src/core/client/sse';

function stream(chunks: Iterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const it = chunks[Symbol.iterator]();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = it.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
}

async function read(body: ReadableStream<Uint8Array>, max?: number): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = [];
  for await (const e of readServerSentEvents(body, max)) out.push(e);
  return out;
}

test('events split across chunks and \\r\\n line ends; comments are skipped', async () => {
  const events = await read(stream([': connected\n\nevent: execution\nid: 1\nda', 'ta: {"id":"a"}\r', '\n\r\n: keep-alive\n\ndata: x\n\n']));
  assert.deepEqual(events, [
    { event: 'execution', id: '1', data: { id: 'a' } },
    { event: 'message', data: 'x' },
  ]);
});

test('a line that never ends is refused once it passes the bound', async () => {
  let sent = 0;
  function* endless() {
    yield 'event: execution\n';
    for (;;) {
      sent++;
      yield 'data: ' + 'x'.repeat(1000);
    }
  }
  await assert.rejects(read(stream(endless()), 50_000), /more than 50000 characters/);
  assert.ok(sent < 200, `read ${sent} chunks before refusing`);
});

test('an event of endless short lines is refused too; events under the bound pass', async () => {
  function* manyLines() {
    for (;;) yield 'data: 0123456789\n';
  }
  await assert.rejects(read(stream(manyLines()), 10_000), /more than 10000 characters/);
  const ok = await read(stream(Array.from({ length: 100 }, (_, i) => `data: ${i}\n\n`)), 10_000);
  assert.equal(ok.length, 100);
});
