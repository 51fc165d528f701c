/**
 * Who started an execution, as the Executions page and the trap tester show it
 * (webview/protocol/executions.ts `initiatorText`), for every kind the API schema allows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { Initiator } from '../../src/core/api/schemas/executions';
import { initiatorText } from '../../webview/protocol/executions';

test('every initiator kind has its text; client and anonymous are their own kinds', () => {
  const cases = [
    [{ type: 'user', name: 'alice' }, 'user alice'],
    [{ type: 'client', name: 'ci-job' }, 'client ci-job'],
    [{ type: 'anonymous' }, 'anonymous'],
    [{ type: 'schedule', name: 'Nightly', id: 'a1b2c3d4e5f6a7b8' }, 'schedule Nightly'],
    [{ type: 'trigger', name: 'Link-Down', id: 'a1b2c3d4e5f6a7b8' }, 'trigger Link-Down'],
    [{ type: 'flow', executionId: 'a1b2c3d4e5f6a7b8' }, 'flow a1b2c3d4e5f6a7b8'],
  ] as const;
  for (const [initiator, text] of cases) {
    assert.equal(initiatorText(initiator as never), text);
  }
  // The schema takes both new kinds, and not a client without its name.
  assert.ok(Value.Check(Initiator, { type: 'client', name: 'ci-job' }));
  assert.ok(Value.Check(Initiator, { type: 'anonymous' }));
  assert.ok(!Value.Check(Initiator, { type: 'client' }));
});
