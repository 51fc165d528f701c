/**
 * Starting a second gateway where one already runs (real processes): the same data folder is
 * refused by its lock (naming the folder and the owner's pid), a taken HTTP or SNMP port says that
 * a gateway is already running there and how to reach or stop it — never "SNMP message refused" —,
 * a lock left by a dead process is taken over, and a stopped gateway leaves no lock behind.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import http from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runEmulatorToExit, startEmulatorProcess, type EmulatorProcess } from '../support/emulatorProcess';
import { call } from './helpers';

const lockOf = (dataDir: string) => JSON.parse(readFileSync(path.join(dataDir, 'gateway.lock'), 'utf8')) as { pid: number; startedAt: string };

describe('a second gateway where one runs', () => {
  let gw: EmulatorProcess;
  const scratch: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'flowgate-conflict-'));
    scratch.push(d);
    return d;
  };
  before(async () => {
    gw = await startEmulatorProcess({ name: 'first-gw' });
  });
  after(async () => {
    await gw?.stop();
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });

  test('the running gateway holds its data folder with a lock naming its pid', () => {
    const lock = lockOf(gw.dataDir);
    assert.ok(Number.isSafeInteger(lock.pid) && lock.pid > 0);
    assert.ok(lock.pid === gw.process.pid || existsSync(`/proc/${lock.pid}`), 'the lock names a live process');
  });

  test('the same data folder on other ports: refused, naming the folder and the other pid; the first keeps its state', async () => {
    const before = await call(gw, 'GET', '/api/v1/packages');
    const r = await runEmulatorToExit(['--port', '0', '--snmp-port', '0', '--data', gw.dataDir]);
    assert.equal(r.code, 1, r.stderr);
    const pid = lockOf(gw.dataDir).pid;
    assert.match(r.stderr, /in use by another Flowgate gateway/);
    assert.ok(r.stderr.includes(gw.dataDir), r.stderr);
    assert.ok(r.stderr.includes(`pid ${pid}`), r.stderr);
    assert.match(r.stderr, /--data/);
    assert.doesNotMatch(r.stdout, /listening on/);
    // The refused process neither took nor removed the lock, and the first gateway serves as before.
    assert.equal(lockOf(gw.dataDir).pid, pid);
    assert.deepEqual((await call(gw, 'GET', '/api/v1/packages')).body, before.body);
  });

  test('the same command again (same folder, same port): a gateway is already running at that address, how to reach or stop it', async () => {
    const r = await runEmulatorToExit(['--port', String(gw.port), '--snmp-port', '0', '--data', gw.dataDir]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`Port ${gw.port} on 127\\.0\\.0\\.1 is already in use: a Flowgate gateway "first-gw"`));
    assert.ok(r.stderr.includes(`already running at ${gw.url}`), r.stderr);
    assert.ok(r.stderr.includes(`udp ${gw.snmpPort}`), r.stderr);
    assert.match(r.stderr, /Ctrl\+C|Stop Local Gateway/);
    assert.ok(r.stderr.includes(`pid ${lockOf(gw.dataDir).pid}`), r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  test('another folder but the running gateway\'s SNMP port (flowgate emulator beside npm start): says who holds it, no "message refused"', async () => {
    const r = await runEmulatorToExit(['--port', String(gw.port), '--snmp-port', String(gw.snmpPort), '--data', tempDir()]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`SNMP trap port ${gw.snmpPort} \\(udp\\) on 127\\.0\\.0\\.1 is already in use: a Flowgate gateway "first-gw"`));
    assert.ok(r.stderr.includes(`already running at ${gw.url}`), r.stderr);
    assert.match(r.stderr, /--port <n> --snmp-port <n>/);
    assert.doesNotMatch(r.stderr, /SNMP message.*refused/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  test('an SNMP port held by another program (not a gateway): says so, no "message refused"', async () => {
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
    try {
      const port = sock.address().port;
      const r = await runEmulatorToExit(['--port', '0', '--snmp-port', String(port), '--data', tempDir()]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`SNMP trap port ${port} \\(udp\\) on 127\\.0\\.0\\.1 is already in use by another program`));
      assert.doesNotMatch(r.stderr, /SNMP message.*refused|Flowgate gateway/);
    } finally {
      sock.close();
    }
  });

  test('a port held by a server that is not a gateway (an endless /healthz answer): "another program", the probe stays bounded', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (res.write(chunk)) {
          /* until the socket pushes back */
        }
      };
      res.on('drain', pump);
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const r = await runEmulatorToExit(['--port', String(port), '--snmp-port', '0', '--data', tempDir()]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use by another program`));
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a lock left by a dead process is taken over; a stopped gateway removes its lock and the folder opens again', async () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    assert.ok(deadPid > 0);
    writeFileSync(path.join(dir, 'gateway.lock'), JSON.stringify({ pid: deadPid, startedAt: '2020-01-01T00:00:00.000Z' }));
    const second = await startEmulatorProcess({ dataDir: dir });
    try {
      const lock = lockOf(dir);
      assert.notEqual(lock.pid, deadPid);
      assert.equal((await call(second, 'GET', '/healthz')).status, 200);
    } finally {
      assert.equal(await second.stop(), 0);
    }
    assert.equal(existsSync(path.join(dir, 'gateway.lock')), false);
    const third = await startEmulatorProcess({ dataDir: dir });
    assert.equal((await call(third, 'GET', '/healthz')).status, 200);
    assert.equal(await third.stop(), 0);
  });

  test('a lock whose pid now belongs to another process (a reused pid: its start time differs) is stale', async () => {
    const dir = tempDir();
    // This test process is alive, but it is not the process that wrote this lock (procStart differs).
    writeFileSync(path.join(dir, 'gateway.lock'), JSON.stringify({ pid: process.pid, startedAt: '2020-01-01T00:00:00.000Z', procStart: '1' }));
    const gw2 = await startEmulatorProcess({ dataDir: dir });
    try {
      assert.notEqual(lockOf(dir).pid, process.pid);
      assert.match(JSON.stringify(lockOf(dir)), /"procStart":"\d+"/);
    } finally {
      assert.equal(await gw2.stop(), 0);
    }
    // The same live process with its real start time holds the folder.
    const stat = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    const procStart = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    writeFileSync(path.join(dir, 'gateway.lock'), JSON.stringify({ pid: process.pid, procStart }));
    const r = await runEmulatorToExit(['--port', '0', '--snmp-port', '0', '--data', dir]);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stderr.includes(`pid ${process.pid}`), r.stderr);
  });
});
