/**
 * `npm start` as a new user runs it from a fresh clone (scripts/start.mjs, a real process): the
 * sample is published and made the default package, the printed command lines run as printed
 * (`npx flowgate …`, no --package needed), and a second start — or `flowgate emulator` beside it —
 * says that a gateway is already running there instead of a bind error.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

const REPO = path.resolve(__dirname, '..', '..');

function userEnv(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const k of Object.keys(e)) if (k.startsWith('FLOWGATE_')) delete e[k];
  return e;
}

function exec(file: string, args: string[], timeout = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: REPO, env: userEnv(), timeout }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe('npm start from a clone', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'flowgate-start-'));
  const data = path.join(tmp, 'data');
  let child: ChildProcess;
  let out = '';
  let exited: Promise<number | null>;
  let url = '';
  let snmpPort = '';

  before(async () => {
    child = spawn(process.execPath, [path.join(REPO, 'scripts', 'start.mjs'), '--port', '0', '--snmp-port', '0', '--data', data], { cwd: REPO, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let done = false;
    void exited.then(() => (done = true));
    const deadline = Date.now() + 180_000; // a first start may build the bundles
    while (!/Stop with Ctrl\+C/.test(out)) {
      if (done || Date.now() > deadline) throw new Error(`npm start did not come up:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    url = /listening on (http:\/\/[\d.]+:\d+)/.exec(out)![1];
    snmpPort = /SNMP traps: udp [\d.]+:(\d+)/.exec(out)![1];
  });
  after(async () => {
    if (child && child.exitCode === null) {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGINT');
      await exited;
      clearTimeout(timer);
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  test('the sample is the default package and the printed npx lines run as printed, without --package', async () => {
    assert.match(out, /network-ops is the default package/);
    const line = /^\s*(npx flowgate run Restart-Service .*)$/m.exec(out)?.[1];
    assert.ok(line, `no npx flowgate run line in:\n${out}`);
    assert.doesNotMatch(line, /--package|--version/);
    assert.doesNotMatch(out, /^\s*flowgate run/m, 'every command line printed runs from a clone (npx)');
    const r = await exec('sh', ['-c', `${line} --json`]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.packageName, 'network-ops');
    assert.equal(doc.outputVariables.restarted, true);
  });

  test('flowgate run without --package on a gateway with no default package names --package, not ?packageName=', async () => {
    // A gateway on the same sample without --set-default: no default package.
    const other = path.join(tmp, 'plain');
    const emu = spawn(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'emulator', '--port', '0', '--snmp-port', '0', '--data', other], { cwd: REPO, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let eout = '';
    emu.stdout!.setEncoding('utf8').on('data', (d: string) => (eout += d));
    const emuExit = new Promise((resolve) => emu.once('exit', resolve));
    try {
      while (!/Stop with Ctrl\+C/.test(eout)) await new Promise((r) => setTimeout(r, 50));
      const plainUrl = /listening on (http:\/\/[\d.]+:\d+)/.exec(eout)![1];
      // As the gateway's admin (its local-admin.json): an anonymous caller learns nothing about packages (401).
      const r = await exec(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'run', 'Restart-Service', '--gateway', plainUrl, '--credentials', path.join(other, 'local-admin.json')]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /no default package/);
      assert.match(r.stderr, /--package <name>/);
      assert.doesNotMatch(r.stderr, /\?packageName=/);
    } finally {
      emu.kill('SIGTERM');
      await emuExit;
    }
  });

  test('a second npm start on the same folder and port: a gateway is already running there, and how to reach or stop it', async () => {
    const port = new URL(url).port;
    const r = await exec(process.execPath, [path.join(REPO, 'scripts', 'start.mjs'), '--port', port, '--snmp-port', snmpPort, '--data', data]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(r.stderr.includes(`already running at ${url}`), r.stderr);
    assert.match(r.stderr, /Ctrl\+C|Stop Local Gateway/);
    assert.doesNotMatch(r.stderr, /SNMP message.*refused/);
    assert.equal((await fetch(`${url}/healthz`)).status, 200, 'the first keeps serving');
  });

  test('flowgate emulator beside it (another folder, the same SNMP port): names the running gateway, no "SNMP message refused"', async () => {
    const port = new URL(url).port;
    const r = await exec(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'emulator', '--port', port, '--snmp-port', snmpPort, '--data', path.join(tmp, 'second')]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`SNMP trap port ${snmpPort} \\(udp\\) on 127\\.0\\.0\\.1 is already in use: a Flowgate gateway`));
    assert.ok(r.stderr.includes(url), r.stderr);
    assert.doesNotMatch(r.stderr, /SNMP message.*refused/);
  });
});
