/**
 * Trap sender of bench/snmp-traps.ts: SNMP v2c traps with net-snmp (one session, one UDP socket)
 * to 127.0.0.1 at a fixed offered rate. Pacing: every ~1 ms timer tick it sends the traps due
 * (rate × elapsed − sent), so the offered rate holds without busy-waiting.
 *
 * Messages in:  {type: 'send', port, rate, seconds, tag, oids}  (oids: trap OIDs used round-robin)
 * Messages out: {type: 'ready'}, {type: 'sent', sent, elapsedMs, errors}
 * Each trap carries the varbinds of lib/trapVarbinds.ts: the run's tag, a sequence number and
 * the send time.
 * Exits when its parent goes away.
 */
import * as snmp from 'net-snmp';
import { VB_SENT_AT, VB_SEQ, VB_TAG } from '../lib/trapVarbinds';

interface SendOrder {
  type: 'send';
  port: number;
  rate: number;
  seconds: number;
  tag: string;
  oids: string[];
}

const nowMs = () => performance.timeOrigin + performance.now();

function run(o: SendOrder): void {
  const session = snmp.createSession('127.0.0.1', 'public', { version: snmp.Version2c, trapPort: o.port, retries: 0, timeout: 1000 });
  let errors = 0;
  session.on('error', () => {
    errors++;
  });
  const total = Math.round(o.rate * o.seconds);
  let sent = 0;
  const t0 = performance.now();
  const hardStop = t0 + o.seconds * 1000 * 3 + 5000; // never runs away, even when it cannot keep up
  const tick = () => {
    const elapsed = performance.now() - t0;
    const due = Math.min(total, Math.floor((o.rate * elapsed) / 1000));
    while (sent < due) {
      const seq = sent++;
      const varbinds: snmp.Varbind[] = [
        { oid: VB_TAG, type: snmp.ObjectType.OctetString, value: o.tag },
        { oid: VB_SEQ, type: snmp.ObjectType.Integer, value: seq },
        { oid: VB_SENT_AT, type: snmp.ObjectType.OctetString, value: nowMs().toFixed(3) },
      ];
      try {
        session.trap(o.oids[seq % o.oids.length], varbinds, {}, (err) => {
          if (err) errors++;
        });
      } catch {
        errors++;
      }
    }
    if (sent < total && performance.now() < hardStop) {
      setTimeout(tick, 1);
      return;
    }
    const elapsedMs = performance.now() - t0;
    // Let the socket drain before reporting.
    setTimeout(() => {
      try {
        session.close();
      } catch {
        /* closed */
      }
      process.send!({ type: 'sent', sent, elapsedMs, errors });
    }, 100);
  };
  tick();
}

process.on('message', (m: SendOrder) => {
  if (m.type === 'send') run(m);
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.send!({ type: 'ready' });
