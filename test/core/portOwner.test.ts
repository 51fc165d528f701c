/**
 * Who holds a port (src/core/net/portOwner.ts): the /proc/net/tcp parser on fixed texts, and the
 * lookup against a real listening socket owned by a real child process (Linux).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { commandOf, freePort, parseProcNetTcp, portFree, portOwner } from '../../src/core/net/portOwner';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1140 1 00000000eb6248a4 100 0 0 10 0
   1: 0100007F:2212 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 3018409 1 000000005a562d2a 100 0 0 10 0
   2: 0100007F:2212 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 0 1 0000000000000000 20 4 0 10 -1
   garbage line
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 78 1 0000000000000000 100 0 0 10 0
`;

describe('port owner', () => {
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  test('parses /proc/net/tcp and tcp6: address, port, state, inode; skips malformed lines', () => {
    const v4 = parseProcNetTcp(TCP);
    assert.deepEqual(v4, [
      { address: '0.0.0.0', port: 2024, state: '0A', inode: 1140, uid: 0 },
      { address: '127.0.0.1', port: 8722, state: '0A', inode: 3018409, uid: 1000 },
      { address: '127.0.0.1', port: 8722, state: '01', inode: 0, uid: 1000 },
    ]);
    const v6 = parseProcNetTcp(TCP6);
    assert.deepEqual(
      v6.map((e) => [e.address, e.port, e.inode]),
      [
        ['::', 8080, 77],
        ['::1', 8081, 78],
      ],
    );
  });

  test('names the real process listening on a port (Linux: /proc), and nothing on a free port', async () => {
    const child = spawn(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port))", 'marker-arg-portowner'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.setEncoding('utf8').once('data', (d: string) => resolve(Number(d.trim())));
      child.once('exit', (code) => reject(new Error(`the child exited (${code})`)));
    });
    assert.equal(await portFree('127.0.0.1', port), false);
    const owner = await portOwner(port);
    assert.ok(owner, `no owner found for port ${port}`);
    assert.equal(owner.pid, child.pid);
    assert.match(owner.command ?? '', /marker-arg-portowner/);
    assert.equal(commandOf(child.pid!), owner.command);

    const free = await freePort();
    assert.equal(await portFree('127.0.0.1', free), true);
    assert.equal(await portOwner(free), undefined);
    assert.equal(await portOwner(0), undefined);
    assert.equal(await portOwner(70000), undefined);
  });
});
