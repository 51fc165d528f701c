/**
 * Baseline of bench/schedules.ts: node-cron alone in a bare process — `count` tasks on
 * `* * * * * *` (UTC, the options the emulator's scheduler gives node-cron), each recording its
 * firing delay: Date.now() in the callback − the slot node-cron fires for (a whole second).
 * Args: <count> <skip seconds> <measure seconds>. Slots in the first `skip` seconds are warm-up.
 * Sends {type: 'ready'} when the tasks are scheduled, then {type: 'done', delays, missed, slots}
 * and exits. Exits when its parent goes away.
 */
import nodeCron = require('node-cron');

const [count, skipS, measureS] = process.argv.slice(2).map(Number);
const t0 = Date.now();
const from = Math.ceil(t0 / 1000) * 1000 + skipS * 1000; // first measured slot
const to = from + measureS * 1000; // exclusive
const delays: number[] = [];
let missed = 0;
const tasks: ReturnType<typeof nodeCron.schedule>[] = [];
for (let i = 0; i < count; i++) {
  const task = nodeCron.schedule(
    '* * * * * *',
    (ctx) => {
      const now = Date.now();
      const slot = ctx.date.getTime();
      if (slot >= from && slot < to) delays.push(now - slot);
    },
    { timezone: 'UTC', name: `baseline-${i}`, suppressMissedWarning: true },
  );
  task.on('execution:missed', (ctx) => {
    const slot = ctx.date.getTime();
    if (slot >= from && slot < to) missed++;
  });
  tasks.push(task);
}
process.send!({ type: 'ready' });
setTimeout(() => {
  for (const t of tasks) void t.destroy();
  process.send!({ type: 'done', delays, missed, slots: measureS }, () => process.exit(0));
}, to - Date.now() + 1500);
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
