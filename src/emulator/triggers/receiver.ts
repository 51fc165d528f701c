/**
 * The UDP trap receiver (net-snmp). Decisions:
 * - Communities: every community is accepted and the trap recorded; the triggers' `community`
 *   conditions decide what runs. (A receiver that dropped unknown communities would hide exactly
 *   the traps a developer is trying to debug.) net-snmp only accepts communities it was given, so
 *   each v1/v2c message's community is lent to the authorizer while net-snmp processes it.
 * - SNMPv3: only the gateway's users (authNoPriv, authPriv) are accepted; wrong keys, unknown users
 *   and malformed messages are counted as refused and never reach triggers.
 * - The socket gets an 8 MB receive buffer (through net-snmp's `dgramModule` option): with the
 *   kernel default (~208 KB) bursts of traps are lost before Node reads them.
 * - Port 0 picks a free port (net-snmp itself would turn 0 into 162); `port` is the real one.
 */
import dgram from 'node:dgram';
import * as snmp from 'net-snmp';
import type { SnmpUserSpec } from '../../core/model/trigger';
import type { RawNotification } from '../../core/snmp/pdu';
import { LIMITS } from '../../core/limits';

export const RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024;

export interface TrapReceiverOptions {
  port: number;
  host: string;
  onTrap(notification: RawNotification): void;
  onRefused?(error: Error & { rinfo?: { address: string; port: number } }): void;
}

/** The community of a v1/v2c message (BER: SEQUENCE { INTEGER version, OCTET STRING community, … }). */
export function peekCommunity(buf: Buffer): string | undefined {
  let i = 0;
  const len = (): number | undefined => {
    const first = buf[i++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n === 0 || n > 4) return undefined;
    let v = 0;
    for (let k = 0; k < n; k++) {
      const b = buf[i++];
      if (b === undefined) return undefined;
      v = v * 256 + b;
    }
    return v;
  };
  if (buf[i++] !== 0x30 || len() === undefined) return undefined;
  if (buf[i++] !== 0x02) return undefined;
  const vlen = len();
  if (vlen === undefined || vlen < 1 || vlen > 4) return undefined;
  let version = 0;
  for (let k = 0; k < vlen; k++) version = version * 256 + (buf[i++] ?? 0);
  if (version !== 0 && version !== 1) return undefined; // v3 has no community
  if (buf[i++] !== 0x04) return undefined;
  const clen = len();
  if (clen === undefined || i + clen > buf.length) return undefined;
  return buf.subarray(i, i + clen).toString('latin1');
}

/** net-snmp's cache of localized SNMPv3 keys: one ~1 MB hash per (protocol, key, engine id), never evicted. */
type KeyCacheHolder = { authToKeyCache?: Record<string, unknown> };
/** Localized keys kept before the cache is emptied (a sender choosing engine ids would grow it forever). */
export const KEY_CACHE_MAX = 10_000;

/**
 * The receiver's CPU budget: at most LIMITS.snmpReceiveMsPerSecond of each second go to decoding,
 * authenticating (SNMPv3 key localization hashes ~1 MB per new engine id) and handling datagrams;
 * further datagrams of that second are dropped before decoding, counted and reported.
 */
class ReceiveBudget {
  private window = 0;
  private spent = 0;
  private seen = 0;

  spentOut(now: number): boolean {
    const w = Math.floor(now / 1000);
    if (w !== this.window) {
      this.window = w;
      this.spent = 0;
    }
    return this.spent >= LIMITS.snmpReceiveMsPerSecond;
  }

  add(ms: number): void {
    this.spent += ms;
    // Every 256 datagrams: empty net-snmp's key cache when bogus engine ids have grown it.
    if (++this.seen % 256 === 0) {
      const holder = (snmp as unknown as { Authentication?: KeyCacheHolder }).Authentication;
      if (holder?.authToKeyCache && Object.keys(holder.authToKeyCache).length > KEY_CACHE_MAX) holder.authToKeyCache = {};
    }
  }
}

export class TrapReceiver {
  private constructor(
    private readonly receiver: snmp.Receiver,
    private readonly socket: dgram.Socket,
    readonly port: number,
  ) {}

  static async start(o: TrapReceiverOptions): Promise<TrapReceiver> {
    let socket: dgram.Socket | undefined;
    let listening: Promise<void> | undefined;
    let receiver: snmp.Receiver | undefined;
    const authorizer = () => receiver!.getAuthorizer();
    const budget = new ReceiveBudget();
    let dropped = 0;
    /** False until the socket is bound: a bind failure is the start's error, never a refused message. */
    let bound = false;
    const dgramModule: snmp.DgramModule = {
      createSocket(type: string) {
        const s = dgram.createSocket({ type: type as dgram.SocketType, recvBufferSize: RECEIVE_BUFFER_BYTES });
        listening = new Promise<void>((resolve, reject) => {
          s.once('listening', () => {
            bound = true;
            resolve();
          });
          s.once('error', reject);
        });
        // Errors after binding (e.g. ICMP-triggered ones) are reported, never thrown; a bind
        // failure is the start's error (rejected above), not a refused message.
        s.on('error', (err) => {
          if (bound) o.onRefused?.(err);
        });
        const bind = s.bind.bind(s) as (port: number, address?: string) => dgram.Socket;
        // net-snmp passes `port || 162`; bind the port asked for (0: a free one).
        (s as unknown as { bind: (p: number, a?: string) => dgram.Socket }).bind = (_p: number, address?: string) => bind(o.port, address);
        const on = s.on.bind(s) as (event: string, listener: (...a: unknown[]) => void) => dgram.Socket;
        (s as unknown as { on: typeof on }).on = (event: string, listener: (...a: unknown[]) => void) => {
          if (event !== 'message') return on(event, listener);
          return on('message', (buf: unknown, rinfo: unknown) => {
            // Nothing a datagram holds may escape as an exception (it would reach the socket's
            // emitter and end the process): oversize datagrams are dropped before decoding, and
            // whatever net-snmp throws while decoding is a refusal, logged at most once a second.
            const data = buf as Buffer;
            if (data.length > LIMITS.snmpDatagramBytes) {
              o.onRefused?.(Object.assign(new Error(`a ${data.length}-byte datagram; at most ${LIMITS.snmpDatagramBytes} bytes are accepted`), { rinfo: rinfo as { address: string; port: number } }));
              return;
            }
            const t0 = performance.now();
            if (budget.spentOut(t0)) {
              dropped++;
              o.onRefused?.(Object.assign(new Error(`dropped: the receiver used its ${LIMITS.snmpReceiveMsPerSecond} ms of this second (${dropped} dropped so far)`), { rinfo: rinfo as { address: string; port: number } }));
              return;
            }
            let community: string | undefined;
            let lent = false;
            try {
              community = peekCommunity(data);
              const auth = authorizer();
              if (community !== undefined && !auth.getCommunity(community)) {
                auth.addCommunity(community);
                lent = true;
              }
              listener(buf, rinfo);
            } catch (err) {
              o.onRefused?.(Object.assign(new Error(`malformed message: ${(err as Error)?.message ?? String(err)}`), { rinfo: rinfo as { address: string; port: number } }));
            } finally {
              budget.add(performance.now() - t0);
              if (lent && community !== undefined) {
                try {
                  authorizer().deleteCommunity(community);
                } catch {
                  /* already gone */
                }
              }
            }
          });
        };
        socket = s;
        return s;
      },
    };
    receiver = snmp.createReceiver(
      {
        port: o.port || 162,
        address: o.host,
        transport: o.host.includes(':') ? 'udp6' : 'udp4',
        includeAuthentication: true,
        dgramModule,
      },
      (error, notification) => {
        try {
          if (error) {
            if (bound) o.onRefused?.(error);
            return;
          }
          if (notification) o.onTrap(notification);
        } catch (err) {
          o.onRefused?.(Object.assign(new Error(`could not be handled: ${(err as Error)?.message ?? String(err)}`), { rinfo: notification?.rinfo }));
        }
      },
    );
    try {
      await listening;
    } catch (err) {
      try {
        socket?.close();
      } catch {
        /* not open */
      }
      throw err;
    }
    return new TrapReceiver(receiver, socket!, socket!.address().port);
  }

  /** Replace the SNMPv3 users net-snmp accepts. */
  setUsers(users: readonly SnmpUserSpec[]): void {
    const auth = this.receiver.getAuthorizer();
    for (const u of [...auth.getUsers()]) auth.deleteUser(u.name);
    for (const u of users) {
      auth.addUser({
        name: u.name,
        level: snmp.SecurityLevel[u.level],
        authProtocol: snmp.AuthProtocols[u.authProtocol],
        authKey: u.authKey,
        ...(u.level === 'authPriv' && u.privProtocol ? { privProtocol: snmp.PrivProtocols[u.privProtocol], privKey: u.privKey } : {}),
      });
    }
  }

  /** Receive buffer size the kernel granted (Linux reports twice the value set, capped by rmem_max). */
  receiveBufferSize(): number {
    return this.socket.getRecvBufferSize();
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
