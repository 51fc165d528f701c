/**
 * Browser policy, before every route (`/healthz` included — one rule, no exceptions):
 *
 * - `Host` must name an address this gateway serves, at the port the request came in on:
 *   `127.0.0.1`, `localhost`, `[::1]`, the local address the connection reached, the bound host,
 *   and — when bound to every interface — this machine's interface addresses and host name; plus
 *   `--allow-host` entries (`name` at any port, `name:port`). Anything else is 421
 *   `misdirected-request`: a page that rebinds `evil.example` to 127.0.0.1 sends
 *   `Host: evil.example:8722` and is refused. A request without a Host (HTTP/1.0 tools) passes:
 *   browsers always send one.
 * - A request with an `Origin` must come from the gateway's own origin (`http://`, over TLS `https://`, + an allowed
 *   Host) or an `--allow-origin` entry, else 403 `forbidden-origin` — browsers send Origin on every
 *   cross-site POST, so a page's `text/plain` form post to upload, publish or run is refused before
 *   any route reads it. Without Origin, `Sec-Fetch-Site: cross-site|same-site` (a page's `<img>`,
 *   `<script>` or navigation to the API) is refused the same way. Node clients (CLI, extension
 *   host, tests) send neither. VS Code webviews never call the gateway: they message the extension
 *   host, which does (their CSP is `default-src 'none'`).
 * - Allowed foreign origins get CORS answers (`Access-Control-Allow-Origin`, preflight 204).
 */
import os from 'node:os';
import net from 'node:net';
import type { RequestHandler } from 'express';
import { sendError } from './errorHandling';
import { isPort, PORT_MAX } from '../../core/model/port';

export interface BrowserPolicyOptions {
  /** The address the gateway was asked to bind (`127.0.0.1`, `0.0.0.0`, `::`, a name). */
  bindHost: string;
  /** Extra Host names: `name` (any port) or `name:port`. */
  allowHosts?: string[];
  /** Origins (`scheme://host[:port]`) allowed besides the gateway's own. */
  allowOrigins?: string[];
}

interface HostRule {
  host: string;
  port?: number;
}

/** `name`, `name:port`, `[v6]`, `[v6]:port` → a rule; throws on anything else. */
export function parseHostRule(raw: string): HostRule {
  const item = raw.trim();
  let u: URL;
  try {
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?$/.test(item)) throw new Error('shape');
    u = new URL(`http://${item}/`);
  } catch {
    throw new Error(`'${raw}' is not a host name or host:port`);
  }
  const hasPort = /:\d{1,5}$/.test(item) && !/^\[[^\]]*\]$/.test(item);
  const port = hasPort ? Number(item.slice(item.lastIndexOf(':') + 1)) : undefined;
  if (port !== undefined && !isPort(port)) throw new Error(`'${raw}': port must be 1 to ${PORT_MAX}`);
  return { host: normalHost(u.hostname), port };
}

/** `scheme://host[:port]` → its normal form; throws when it is not exactly an http(s) origin. */
export function parseOrigin(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new Error(`'${raw}' is not an origin (scheme://host[:port])`);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.origin === 'null' || raw.trim().replace(/\/$/, '') !== u.origin) {
    throw new Error(`'${raw}' is not an http(s) origin (scheme://host[:port], no path)`);
  }
  return u.origin;
}

function normalHost(h: string): string {
  let host = h.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (host.startsWith('::ffff:') && net.isIP(host.slice(7)) === 4) host = host.slice(7);
  return host;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '::1'];
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** Names this gateway answers to at its own port (without the per-connection local address). */
function servedNames(bindHost: string): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  const bind = normalHost(bindHost);
  if (WILDCARDS.has(bind)) {
    for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) names.add(normalHost(a.address.replace(/%.*$/, '')));
    names.add(normalHost(os.hostname()));
  } else {
    names.add(bind);
  }
  return names;
}

const MAX_SHOWN = 200;
const shown = (s: string) => (s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s);
const TOKEN_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;

export function browserPolicy(options: BrowserPolicyOptions): RequestHandler {
  const names = servedNames(options.bindHost);
  const extraHosts = (options.allowHosts ?? []).map(parseHostRule);
  const extraOrigins = new Set((options.allowOrigins ?? []).map(parseOrigin));

  /** host (as in a Host header or an origin's host) served at `port`? */
  const hostServed = (hostPort: string, port: number, localAddress: string | undefined, defaultPort = 80): boolean => {
    let u: URL;
    try {
      u = new URL(`http://${hostPort}/`);
    } catch {
      return false;
    }
    if (u.username || u.password || u.pathname !== '/' || u.search || u.hash) return false;
    const host = normalHost(u.hostname);
    const given = u.port === '' ? defaultPort : Number(u.port);
    if (extraHosts.some((r) => r.host === host && (r.port === undefined || r.port === given))) return true;
    if (given !== port) return false;
    return names.has(host) || (localAddress !== undefined && normalHost(localAddress) === host);
  };

  return (req, res, next) => {
    const port = req.socket.localPort ?? 0;
    const local = req.socket.localAddress;
    // Over TLS (gateway.yaml `tls`) the gateway's own origin is https:, and a Host without a port means 443.
    const tls = (req.socket as { encrypted?: boolean }).encrypted === true;
    const defaultPort = tls ? 443 : 80;
    const hostHeader = req.headers.host;
    if (hostHeader !== undefined && !hostServed(hostHeader, port, local, defaultPort)) {
      return sendError(
        res,
        421,
        'misdirected-request',
        `This gateway does not serve the host '${shown(hostHeader)}'; call it by an address it listens on, or start it with --allow-host <name>`,
        [{ field: 'headers.host', message: 'not an address this gateway serves' }],
      );
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      let own = false;
      try {
        const u = new URL(origin);
        own = u.protocol === (tls ? 'https:' : 'http:') && u.origin === origin && hostServed(u.host, port, local, defaultPort);
      } catch {
        own = false;
      }
      if (!own && !extraOrigins.has(origin)) {
        return sendError(res, 403, 'forbidden-origin', `Requests from the origin '${shown(origin)}' are refused; start the gateway with --allow-origin <origin> to accept them`, [
          { field: 'headers.origin', message: 'not this gateway nor an allowed origin' },
        ]);
      }
      if (!own) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Vary', 'Origin');
        if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
          res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE');
          const asked = req.headers['access-control-request-headers'];
          if (typeof asked === 'string' && asked.length <= 1000 && TOKEN_LIST.test(asked)) res.setHeader('Access-Control-Allow-Headers', asked);
          res.setHeader('Access-Control-Max-Age', '600');
          res.status(204).end();
          return;
        }
      }
    } else {
      const site = req.headers['sec-fetch-site'];
      if (site === 'cross-site' || site === 'same-site') {
        return sendError(res, 403, 'forbidden-origin', `Requests from other sites are refused (Sec-Fetch-Site: ${site})`, [
          { field: 'headers.sec-fetch-site', message: `${site} requests are refused` },
        ]);
      }
    }
    next();
  };
}
