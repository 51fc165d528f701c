/**
 * A hostile gateway against the clients of the authorisation routes: `flowgate groups` and
 * `flowgate authorisation get|set` (core's GatewayClient underneath, which the VS Code
 * Authorisation page uses too) talk to a server that answers group names carrying terminal escape
 * sequences, lists past the bounds, wrong shapes and bodies past the client's answer limit. Each is
 * refused as `bad-response` (exit 1) and nothing the server sent reaches the terminal raw.
 */
import assert from 'node:assert/strict';
import { runCliFromSource, type CliRun } from '../support/builtCli';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '../../src/core/limits';
import { GatewayClient } from '../../src/core/client/gatewayClient';

const ESC = '\u001b';

function flowgate(args: string[]): Promise<CliRun> {
  return runCliFromSource(args, { home: os.tmpdir() });
}

describe('hostile gateway answers to the authorisation clients', () => {
  /** What the server answers next, by path suffix. */
  let answers: { groups: unknown; authorisation: unknown; raw?: string };
  let server: http.Server;
  let url: string;

  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      const body = answers.raw ?? JSON.stringify(req.url?.endsWith('/directory/groups') ? answers.groups : answers.authorisation);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const cases: { what: string; set: () => void; args: () => string[] }[] = [
    {
      what: 'a directory group name with an OSC title escape',
      set: () => (answers = { groups: { groups: [{ name: `${ESC}]0;owned${String.fromCharCode(7)}ops`, members: 1 }] }, authorisation: {} }),
      args: () => ['groups', '--gateway', url],
    },
    {
      what: 'a version group name that clears the screen',
      set: () => (answers = { groups: {}, authorisation: { groups: ['operators', `${ESC}[2J${ESC}[31mroot`] } }),
      args: () => ['authorisation', 'get', '--package', 'p', '--version', '1', '--gateway', url],
    },
    {
      what: 'a save answered with a newline-forged group',
      set: () => (answers = { groups: {}, authorisation: { groups: ['ops\n✓ set the groups of everything'] } }),
      args: () => ['authorisation', 'set', '--package', 'p', '--version', '1', '--group', 'ops', '--gateway', url],
    },
    {
      what: `more than ${LIMITS.authorisationGroups} groups for a version`,
      set: () => (answers = { groups: {}, authorisation: { groups: Array.from({ length: LIMITS.authorisationGroups + 1 }, (_, i) => `g${i}`) } }),
      args: () => ['authorisation', 'get', '--package', 'p', '--version', '1', '--gateway', url],
    },
    {
      what: 'a directory answer of the wrong shape (members a string)',
      set: () => (answers = { groups: { groups: [{ name: 'ops', members: '1; rm -rf /' }] }, authorisation: {} }),
      args: () => ['groups', '--gateway', url],
    },
    {
      what: 'groups that are not a list',
      set: () => (answers = { groups: {}, authorisation: { groups: 'operators' } }),
      args: () => ['authorisation', 'get', '--package', 'p', '--version', '1', '--gateway', url],
    },
  ];

  for (const c of cases) {
    test(`${c.what}: refused as bad-response, nothing raw printed`, async () => {
      c.set();
      const r = await flowgate([...c.args(), '--json']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.error.code, 'bad-response', r.stdout);
      assert.match(doc.error.message, /does not accept/);
      const text = await flowgate(c.args());
      assert.equal(text.code, 1);
      assert.ok(!(text.stdout + text.stderr).includes(ESC), `an escape reached the terminal: ${JSON.stringify(text.stderr)}`);
      assert.doesNotMatch(text.stdout + text.stderr, /owned|✓ set the groups of everything|root/);
    });
  }

  test('an answer past the client\'s limit is not read to its end', async () => {
    answers = { groups: {}, authorisation: {}, raw: JSON.stringify({ groups: ['x'.repeat(LIMITS.clientJsonAnswerBytes + 10)] }) };
    await assert.rejects(new GatewayClient(url).getAuthorisation('p', 1), (e: Error & { code?: string }) => e.code === 'bad-response' && /more than/.test(e.message));
  });
});
