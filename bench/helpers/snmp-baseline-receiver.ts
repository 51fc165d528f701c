/**
 * Baseline of bench/snmp-traps.ts: a bare net-snmp receiver (createReceiver) with the same receive
 * buffer setting as the emulator's (RECEIVE_BUFFER_BYTES through net-snmp's `dgramModule`), on
 * 127.0.0.1 and a free UDP port, accepting every community. It only counts the traps of a run
 * and their latency: receive time − the send time carried in a varbind.
 *
 * Messages out: {type: 'ready', port, recvBufferBytes}; on {type: 'report', tag}:
 *   {type: 'report', received, latencies} (ms, per trap of that tag)
 * Exits when its parent goes away.
 */
import dgram from 'node:dgram';
import * as snmp from 'net-snmp';
import { RECEIVE_BUFFER_BYTES } from '../../src/emulator/triggers/receiver';
import { VB_SENT_AT, VB_TAG } from '../lib/trapVarbinds';

const nowMs = () => performance.timeOrigin + performance.now();
const runs = new Map<string, number[]>();
let socket: dgram.Socket | undefined;

const dgramModule: snmp.DgramModule = {
  createSocket(type: string) {
    const s = dgram.createSocket({ type: type as dgram.SocketType, recvBufferSize: RECEIVE_BUFFER_BYTES });
    const bind = s.bind.bind(s) as (port: number, address?: string) => dgram.Socket;
    // net-snmp turns port 0 into 162; bind a free port instead.
    (s as unknown as { bind: (p: number, a?: string) => dgram.Socket }).bind = (_p: number, address?: string) => bind(0, address);
    s.once('listening', () => {
      process.send!({ type: 'ready', port: s.address().port, recvBufferBytes: s.getRecvBufferSize() });
    });
    socket = s;
    return s;
  },
};

snmp.createReceiver({ port: 162, address: '127.0.0.1', transport: 'udp4', disableAuthorization: true, dgramModule }, (error, notification) => {
  if (error || !notification) return;
  const at = nowMs();
  let tag: string | undefined;
  let sentAt: number | undefined;
  for (const vb of notification.pdu.varbinds ?? []) {
    if (vb.oid === VB_TAG) tag = String(vb.value);
    else if (vb.oid === VB_SENT_AT) sentAt = Number(String(vb.value));
  }
  if (tag === undefined || sentAt === undefined) return;
  let list = runs.get(tag);
  if (!list) runs.set(tag, (list = []));
  list.push(at - sentAt);
});

process.on('message', (m: { type: string; tag: string }) => {
  if (m.type === 'report') {
    const latencies = runs.get(m.tag) ?? [];
    process.send!({ type: 'report', received: latencies.length, latencies });
  }
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => {
  socket?.close();
  process.exit(0);
});
