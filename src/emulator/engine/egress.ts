/**
 * Egress policy of the `http` step: which URLs a flow may reach.
 *
 * - Only `http:` and `https:` (never `data:`, `file:`, `blob:`, …).
 * - Never the gateway itself — its port on any loopback address (127.0.0.0/8, ::1), on the
 *   unspecified addresses (0.0.0.0, ::), on any address of this machine's interfaces, in any
 *   spelling (`localhost`, `2130706433`, `0x7f.1`, `[::ffff:7f00:1]`, a DNS name that resolves
 *   there): names are resolved once and the request connects to exactly the addresses that were
 *   checked. The one exception is `GET`/`HEAD /healthz` (starts nothing, tells name and version:
 *   the sample flow `Get-Gateway-Status` reads it). `--allow-self-calls` lifts the ban; the call
 *   then carries the calling execution's signed tree header (`EngineHost.treeHeader()`, checked by
 *   `ExecutionManager.parentFromHeader`) so that the execution it starts joins the caller's tree
 *   and its budgets.
 * - With an allow-list (`--egress-allow`), only hosts it names, plus the origin of the
 *   connection's base URL for requests made through a connection. Without one (the default of a
 *   developer emulator), any other host.
 *
 * The settings are per process (one gateway per emulator process: `dist/emulator.js`, `flowgate
 * emulator`); the ports of every gateway started in this process count as "self".
 */
import dns from 'node:dns';
import net from 'node:net';
import os from 'node:os';
import { isPort, PORT_MAX } from '../../core/model/port';

/** One entry of the allow-list: a host name (`api.example.com`, `*.example.com`) or IP, with an optional port. */
export interface EgressPattern {
  host: string;
  /** `*.example.com`: any name below example.com (not example.com itself). */
  wildcard: boolean;
  port?: number;
}

export interface EgressSettings {
  /** Undefined: any host (self excepted). Otherwise only these, plus a connection's own origin. */
  allow?: EgressPattern[];
  /** Let flows call this gateway's own API. */
  allowSelfCalls: boolean;
}

let settings: EgressSettings = { allowSelfCalls: false };
const selfPorts = new Map<number, number>();

export function configureEgress(s: EgressSettings): void {
  settings = { allow: s.allow ? [...s.allow] : undefined, allowSelfCalls: s.allowSelfCalls };
}

export function egressSettings(): EgressSettings {
  return settings;
}

/** Mark a TCP port as served by a gateway of this process; returns the function that unmarks it. */
export function registerSelfPort(port: number): () => void {
  selfPorts.set(port, (selfPorts.get(port) ?? 0) + 1);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const n = (selfPorts.get(port) ?? 1) - 1;
    if (n <= 0) selfPorts.delete(port);
    else selfPorts.set(port, n);
  };
}

/**
 * Parses `--egress-allow`: a comma list of `host`, `host:port`, `*.domain`, `*.domain:port`,
 * `[v6]:port`, or `*` alone (any host). Throws an Error naming the bad entry.
 */
export function parseEgressAllow(raw: string): EgressPattern[] | undefined {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 1 && items[0] === '*') return undefined;
  if (items.length > 256) throw new Error(`at most 256 entries, got ${items.length}`);
  return items.map((item) => {
    if (item.length > 260) throw new Error(`entry longer than 260 characters`);
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|(\*\.)?([A-Za-z0-9._-]+))(?::(\d{1,5}))?$/.exec(item);
    if (!m) throw new Error(`'${item}' is not a host, host:port, *.domain or *`);
    const port = m[4] === undefined ? undefined : Number(m[4]);
    if (port !== undefined && !isPort(port)) throw new Error(`'${item}': port must be 1 to ${PORT_MAX}`);
    if (m[1] !== undefined) {
      if (net.isIP(m[1]) !== 6) throw new Error(`'${item}' is not an IPv6 address`);
      return { host: canonicalIp(m[1]), wildcard: false, port };
    }
    const host = m[3].toLowerCase().replace(/\.$/, '');
    return { host: net.isIP(host) ? canonicalIp(host) : host, wildcard: m[2] !== undefined, port };
  });
}

function canonicalIp(ip: string): string {
  // The WHATWG URL parser gives the canonical form of IP literals (decimal/hex IPv4, compressed IPv6).
  const host = new URL(`http://${net.isIP(ip) === 6 ? `[${ip}]` : ip}/`).hostname;
  return host.replace(/^\[|\]$/g, '');
}

/** A URL's host as the URL parser gives it, without IPv6 brackets or a trailing dot. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

export function effectivePort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

function matches(p: EgressPattern, host: string, port: number): boolean {
  if (p.port !== undefined && p.port !== port) return false;
  if (p.wildcard) return host.endsWith(`.${p.host}`);
  return host === p.host;
}

/** Why the allow-list refuses this URL, or undefined when it permits it. */
export function allowListRefusal(url: URL, connectionOrigin: string | undefined): string | undefined {
  const allow = settings.allow;
  if (!allow) return undefined;
  if (connectionOrigin !== undefined && url.origin === connectionOrigin) return undefined;
  const host = bareHost(url);
  const port = effectivePort(url);
  if (allow.some((p) => matches(p, host, port))) return undefined;
  return `${host}:${port} is not in the gateway's egress allow-list (--egress-allow)` + (connectionOrigin ? ` nor the connection's base URL` : '');
}

/** Addresses that reach this machine: loopback, unspecified, and every interface address. */
function localAddresses(): net.BlockList {
  const b = new net.BlockList();
  b.addSubnet('127.0.0.0', 8, 'ipv4');
  b.addSubnet('0.0.0.0', 8, 'ipv4');
  b.addAddress('::1', 'ipv6');
  b.addAddress('::', 'ipv6');
  // IPv4-compatible forms (::127.0.0.1); IPv4-mapped ones (::ffff:127.0.0.1) match the IPv4 rules.
  b.addSubnet('::', 96, 'ipv6');
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      const addr = a.address.replace(/%.*$/, '');
      if (net.isIP(addr)) b.addAddress(addr, net.isIP(addr) === 6 ? 'ipv6' : 'ipv4');
    }
  }
  return b;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name once (IP literals as they are); the request then connects to exactly these. */
export async function resolveHost(host: string, signal: AbortSignal): Promise<ResolvedAddress[]> {
  const v = net.isIP(host);
  if (v) return [{ address: host, family: v as 4 | 6 }];
  const lookup = dns.promises.lookup(host, { all: true, verbatim: true });
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error('aborted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  lookup.catch(() => undefined);
  const found = await Promise.race([lookup, aborted]);
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

/** True when connecting to one of these addresses on `port` reaches a gateway of this process. */
export function reachesSelf(addresses: ResolvedAddress[], port: number): boolean {
  if (!selfPorts.has(port)) return false;
  const local = localAddresses();
  return addresses.some((a) => local.check(a.address, a.family === 6 ? 'ipv6' : 'ipv4'));
}

/**
 * Link-local destinations (169.254.0.0/16, fe80::/10: cloud instance metadata services that hand
 * out credentials) are refused unless the allow-list names the host itself (not a wildcard).
 */
export function linkLocalRefusal(url: URL, addresses: ResolvedAddress[]): string | undefined {
  const b = new net.BlockList();
  b.addSubnet('169.254.0.0', 16, 'ipv4');
  b.addSubnet('fe80::', 10, 'ipv6');
  if (!addresses.some((a) => b.check(a.address, a.family === 6 ? 'ipv6' : 'ipv4'))) return undefined;
  const host = bareHost(url);
  const port = effectivePort(url);
  if (settings.allow?.some((p) => !p.wildcard && matches(p, host, port))) return undefined;
  return `${host} is a link-local address (such as a cloud metadata service); name it in --egress-allow to reach it`;
}

/** The one self-call allowed without --allow-self-calls: reading the gateway's health. */
export function isHarmlessSelfCall(url: URL, method: string): boolean {
  return (method === 'GET' || method === 'HEAD') && url.pathname === '/healthz';
}

/** A `lookup` for http.request that answers with the addresses already checked (no second resolution). */
export function pinnedLookup(addresses: ResolvedAddress[]): net.LookupFunction {
  return ((_host: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    const want = options?.family === 4 || options?.family === 6 ? options.family : 0;
    const usable = want ? addresses.filter((a) => a.family === want) : addresses;
    if (!usable.length) {
      const err = Object.assign(new Error('no address of the checked family'), { code: 'ENOTFOUND' });
      return callback(err);
    }
    if (options?.all) return callback(null, usable.map((a) => ({ address: a.address, family: a.family })));
    return callback(null, usable[0].address, usable[0].family);
  }) as unknown as net.LookupFunction;
}

const SENSITIVE_QUERY = /(key|token|secret|passw|pwd|auth|sig|credential|session)/i;
const MAX_URL_IN_MESSAGE = 300;

/**
 * A URL as it may appear in messages, logs and records: user name and password replaced by `***`,
 * values of query parameters that look like credentials replaced, at most 300 characters.
 */
export function redactUrl(raw: string): string {
  let text: string;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      text = `${u.protocol}…`;
    } else {
      if (u.username || u.password) {
        u.username = '***';
        u.password = '';
      }
      for (const k of [...u.searchParams.keys()]) if (SENSITIVE_QUERY.test(k)) u.searchParams.set(k, '***');
      text = u.toString();
    }
  } catch {
    text = raw.replace(/\/\/[^/@\s]*@/g, '//***@');
  }
  return text.length > MAX_URL_IN_MESSAGE ? `${text.slice(0, MAX_URL_IN_MESSAGE)}…` : text;
}

/** Replaces every occurrence of these values (secrets, credential headers) with `***`. */
export function redactValues(text: string, values: readonly string[]): string {
  let out = text;
  for (const v of values) if (v.length >= 4 && out.includes(v)) out = out.split(v).join('***');
  return out;
}
