/**
 * Who holds a TCP port: the process listening on it, for a "port taken" message that names it
 * (VS Code's Start Local Gateway, the CLI's `flowgate emulator`). Linux: /proc/net/tcp and tcp6 give
 * the listening socket's inode, /proc/<pid>/fd the process holding it, /proc/<pid>/cmdline its
 * command. Elsewhere (best effort): `lsof`, when it is there. Every step may fail (another user's
 * process, no /proc, no lsof): the answer is then undefined, never an exception.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export interface ProcNetEntry {
  /** The local address as text (`127.0.0.1`, `::`, `::ffff:127.0.0.1`). */
  address: string;
  port: number;
  /** The state code (`0A` = LISTEN). */
  state: string;
  inode: number;
  uid: number;
}

export interface PortOwner {
  pid: number;
  /** The command line, arguments joined with spaces, bounded (at most 300 characters). */
  command?: string;
}

const LISTEN = '0A';
const MAX_COMMAND = 300;

/** `0100007F` → `127.0.0.1` (little-endian per 32-bit word, as the kernel prints them). */
function hexAddress(hex: string): string | undefined {
  if (hex.length === 8) {
    const b = Buffer.from(hex, 'hex');
    return `${b[3]}.${b[2]}.${b[1]}.${b[0]}`;
  }
  if (hex.length === 32) {
    const words: string[] = [];
    for (let i = 0; i < 4; i++) {
      const w = Buffer.from(hex.slice(i * 8, i * 8 + 8), 'hex').reverse().toString('hex');
      words.push(w.slice(0, 4), w.slice(4));
    }
    const text = words.map((w) => w.replace(/^0{1,3}/, '')).join(':');
    // Canonical enough to compare: let node's parser normalise it.
    const sock = new net.SocketAddress({ address: text, family: 'ipv6' });
    return sock.address;
  }
  return undefined;
}

/** The entries of a /proc/net/tcp or tcp6 text (malformed lines are skipped). */
export function parseProcNetTcp(text: string): ProcNetEntry[] {
  const out: ProcNetEntry[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [addr, portHex] = f[1].split(':');
    const address = addr ? safe(() => hexAddress(addr)) : undefined;
    const port = Number.parseInt(portHex ?? '', 16);
    const inode = Number(f[9]);
    const uid = Number(f[7]);
    if (!address || !Number.isInteger(port) || !Number.isSafeInteger(inode)) continue;
    out.push({ address, port, state: f[3], inode, uid });
  }
  return out;
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** The inodes of the sockets listening on `port` (any address), from /proc/net/tcp{,6}. */
export function listeningInodes(port: number, procRoot = '/proc'): number[] {
  const inodes: number[] = [];
  for (const file of ['net/tcp', 'net/tcp6']) {
    const text = safe(() => fs.readFileSync(`${procRoot}/${file}`, 'utf8'));
    if (!text) continue;
    for (const e of parseProcNetTcp(text)) if (e.port === port && e.state === LISTEN && e.inode > 0) inodes.push(e.inode);
  }
  return inodes;
}

/** The pid whose open files include one of the socket `inodes` (/proc/<pid>/fd/* → `socket:[inode]`). */
export function pidOfSocket(inodes: number[], procRoot = '/proc'): number | undefined {
  if (inodes.length === 0) return undefined;
  const wanted = new Set(inodes.map((i) => `socket:[${i}]`));
  const pids = safe(() => fs.readdirSync(procRoot)) ?? [];
  for (const entry of pids) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = safe(() => fs.readdirSync(`${procRoot}/${entry}/fd`));
    if (!fds) continue; // another user's process, or gone
    for (const fd of fds) {
      const target = safe(() => fs.readlinkSync(`${procRoot}/${entry}/fd/${fd}`));
      if (target && wanted.has(target)) return Number(entry);
    }
  }
  return undefined;
}

/** A process's command line (`/proc/<pid>/cmdline`), arguments joined with spaces, control characters dropped, bounded. */
export function commandOf(pid: number, procRoot = '/proc'): string | undefined {
  const raw = safe(() => fs.readFileSync(`${procRoot}/${pid}/cmdline`, 'utf8'));
  if (!raw) return undefined;
  return boundCommand(raw.split('\0').filter(Boolean).join(' '));
}

function boundCommand(text: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (!clean) return undefined;
  return clean.length > MAX_COMMAND ? `${clean.slice(0, MAX_COMMAND)}…` : clean;
}

/** `lsof -nP -iTCP:<port> -sTCP:LISTEN -Fpc` (macOS, BSDs; best effort): the first process it names. */
function lsofOwner(port: number): Promise<PortOwner | undefined> {
  return new Promise((resolve) => {
    execFile('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc'], { timeout: 3000, maxBuffer: 64 * 1024 }, (err, stdout) => {
      if (err && !stdout) return resolve(undefined);
      const pid = /^p(\d+)$/m.exec(stdout)?.[1];
      const command = /^c(.+)$/m.exec(stdout)?.[1];
      resolve(pid ? { pid: Number(pid), ...(command ? { command: boundCommand(command) } : {}) } : undefined);
    });
  });
}

/** The process listening on TCP `port`, or undefined when it cannot be told. */
export async function portOwner(port: number, procRoot = '/proc'): Promise<PortOwner | undefined> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  if (fs.existsSync(`${procRoot}/net/tcp`)) {
    const pid = pidOfSocket(listeningInodes(port, procRoot), procRoot);
    if (pid === undefined) return undefined;
    const command = commandOf(pid, procRoot);
    return { pid, ...(command ? { command } : {}) };
  }
  if (process.platform === 'win32') return undefined;
  return lsofOwner(port);
}

/** True when nothing listens on `host`:`port` (a bind succeeds). */
export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A port free on `host` now (the system's pick). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host }, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
