/** Schedules in core: spec validation, cron preview (node-cron's own matcher), words, DST notes, drafts. */
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CronPreviewError, previewCron } from '../../src/core/schedules/preview';
import { describeCron } from '../../src/core/schedules/describe';
import { cronProblems } from '../../src/core/schedules/cron';
import { toSchedule, validateScheduleSpec, type ScheduleFlowInfo } from '../../src/core/schedules/spec';
import { validatePackage } from '../../src/core/validate/validate';
import { directorySource, loadWorkspace } from '../../src/core/workspace/workspace';

const FLOWS: ScheduleFlowInfo[] = [
  { id: 'ops/Backup', inputs: { target: { type: 'string', required: true }, keep: { type: 'integer', required: false } } },
  { id: 'ops/Report', inputs: {} },
];
const fieldsOf = (details: { field: string }[]) => details.map((d) => d.field).sort();
const messageOf = (details: { field: string; message: string }[], field: string) => details.find((d) => d.field === field)?.message ?? '';

describe('validateScheduleSpec', () => {
  test('a valid spec has no problems; toSchedule applies the defaults', () => {
    const spec = { name: 'nightly', flow: 'ops/Backup', expression: '0 30 2 * * 1', inputs: { target: 'db' } };
    assert.deepEqual(validateScheduleSpec(spec, FLOWS), []);
    assert.deepEqual(toSchedule(spec as never, 'id-1'), {
      id: 'id-1',
      name: 'nightly',
      flow: 'ops/Backup',
      type: 'CRON',
      expression: '0 30 2 * * 1',
      timezone: 'UTC',
      inputs: { target: 'db' },
      enabled: true,
    });
  });

  test('each wrong field is named with what is wrong', () => {
    const d = validateScheduleSpec(
      { name: ' ', flow: 'ops/Bakup', type: 'INTERVAL', expression: '*/5 * *', timezone: 'Europe/Lundon', enabled: 'yes', timeZone: 'UTC' },
      FLOWS,
    );
    assert.deepEqual(fieldsOf(d), ['enabled', 'expression', 'flow', 'name', 'timeZone', 'timezone', 'type']);
    assert.match(messageOf(d, 'flow'), /'ops\/Bakup' is not in this package version; did you mean 'ops\/Backup'/);
    assert.match(messageOf(d, 'expression'), /has 3 fields; expected 5 .* or 6 with a leading seconds field/);
    assert.match(messageOf(d, 'timezone'), /not a known IANA time zone; did you mean 'Europe\/London'/);
    assert.match(messageOf(d, 'timeZone'), /unknown property 'timeZone'; did you mean 'timezone'/);
    assert.match(messageOf(d, 'type'), /must be 'CRON'/);
  });

  test('cron messages name the field at fault', () => {
    assert.match(cronProblems('61 * * * *')[0], /minute field '61' is not valid \(allowed: 0-59/);
    assert.match(cronProblems('0 25 * * *')[0], /hour field '25'/);
    assert.match(cronProblems('70 * * * * *')[0], /seconds field '70'/);
    assert.match(cronProblems('0 0 * * 9')[0], /day-of-week field '9'/);
    assert.match(cronProblems('0 0 * 13 *')[0], /month field '13'/);
    assert.match(cronProblems('0 0 30 2 *')[0], /day-of-month '30' never occurs in month '2'/);
    assert.match(cronProblems('0 $ * * *')[0], /characters cron does not allow: '\$'/);
    assert.match(cronProblems('1 2 3 4 5 6 7')[0], /has 7 fields/);
    assert.match(cronProblems('')[0], /is empty/);
    assert.match(cronProblems(5)[0], /must be a string/);
    assert.deepEqual(cronProblems('@daily'), []);
    assert.deepEqual(cronProblems('0 12 * * 5L'), []);
    assert.deepEqual(cronProblems('0 12 * * 1#2'), []);
    assert.deepEqual(cronProblems('0 0 15W * *'), []);
  });

  test('an expression that can never run (AND of the day fields) is refused', () => {
    const d = validateScheduleSpec({ name: 'n', flow: 'ops/Report', expression: '0 0 31 * 1#1' }, FLOWS);
    assert.deepEqual(fieldsOf(d), ['expression']);
    assert.match(d[0].message, /never runs/);
  });

  test('inputs are checked against the flow: unknown, missing required, wrong type', () => {
    const d = validateScheduleSpec({ name: 'n', flow: 'ops/Backup', expression: '* * * * *', inputs: { keep: 1.5, extra: true } }, FLOWS);
    assert.deepEqual(fieldsOf(d), ['inputs.extra', 'inputs.keep', 'inputs.target']);
    assert.match(messageOf(d, 'inputs.target'), /missing required input 'target' \(string\)/);
    assert.match(messageOf(d, 'inputs.keep'), /must be of type integer, got number/);
    assert.match(messageOf(d, 'inputs.extra'), /unknown input 'extra' \(flow 'ops\/Backup' declares target, keep\)/);
    assert.deepEqual(fieldsOf(validateScheduleSpec({ name: 'n', flow: 'ops/Backup', expression: '* * * * *', inputs: [] }, FLOWS)), ['inputs']);
  });

  test('a prefix names fields of a package file; a non-object is refused', () => {
    const d = validateScheduleSpec({ name: 'n', flow: 'x', expression: 'nope' }, FLOWS, 'manifest.schedules[2].');
    assert.deepEqual(fieldsOf(d), ['manifest.schedules[2].expression', 'manifest.schedules[2].flow']);
    assert.deepEqual(validateScheduleSpec('x', FLOWS, 'manifest.schedules[0].'), [
      { field: 'manifest.schedules[0]', message: 'a schedule must be an object, got string' },
    ]);
  });

  test('without flows, only the schedule itself is checked', () => {
    assert.deepEqual(validateScheduleSpec({ name: 'n', flow: 'anything', expression: '* * * * *', inputs: { a: 1 } }), []);
  });
});

describe('describeCron', () => {
  const cases: [string, string][] = [
    ['*/1 * * * * *', 'every second'],
    ['*/10 * * * * *', 'every 10 seconds'],
    ['0 * * * * *', 'at second 0 of every minute'],
    ['* * * * *', 'every minute'],
    ['*/5 * * * *', 'every 5 minutes'],
    ['0 * * * *', 'at minute 0 of every hour'],
    ['@hourly', 'at minute 0 of every hour'],
    ['30 2 * * 1', 'at 02:30 on Monday'],
    ['0 30 2 * * MON', 'at 02:30 on Monday'],
    ['0 0 * * *', 'at 00:00 every day'],
    ['0 9,17 * * *', 'at 09:00 and 17:00 every day'],
    ['*/10 9-17 * * 1-5', 'every 10 minutes, from 09:00 to 17:59 on Monday through Friday'],
    ['0 0 L * *', 'at 00:00 on the last day of the month'],
    ['0 12 * * 5L', 'at 12:00 on the last Friday of the month'],
    ['0 12 * * 1#2', 'at 12:00 on the 2nd Monday of the month'],
    ['0 0 1,15 * *', 'at 00:00 on days 1 and 15 of the month'],
    ['0 0 * JAN-MAR SUN', 'at 00:00 on Sunday in January through March'],
  ];
  for (const [expr, words] of cases) {
    test(`${expr} → ${words}`, () => assert.equal(describeCron(expr), words));
  }

  test('when both day fields are restricted, the words say a day must match both', () => {
    assert.equal(
      describeCron('0 0 13 * 5'),
      'at 00:00 on day 13 of the month if it is also Friday (the day must match both the day-of-month and the day-of-week field)',
    );
  });
});

describe('previewCron', () => {
  test('AND of the day fields: only Friday the 13th, with a note', () => {
    const p = previewCron('0 0 13 * 5', 'UTC', 3, { from: new Date('2027-01-01T00:00:00Z') });
    assert.deepEqual(p.nextRuns, ['2027-08-13T00:00:00.000Z', '2028-10-13T00:00:00.000Z', '2029-04-13T00:00:00.000Z']);
    for (const r of p.nextRuns) {
      assert.equal(new Date(r).getUTCDate(), 13);
      assert.equal(new Date(r).getUTCDay(), 5);
    }
    assert.match(p.description, /must match both/);
    assert.ok(p.notes.some((n) => /must match both \(AND\)/.test(n)));
  });

  test('local times in the zone; defaults UTC and 5 runs', () => {
    const p = previewCron('0 30 2 * * 1', 'America/New_York', 2, { from: new Date('2027-06-01T00:00:00Z') });
    assert.deepEqual(p.nextRuns, ['2027-06-07T06:30:00.000Z', '2027-06-14T06:30:00.000Z']);
    assert.deepEqual(p.localTimes, ['2027-06-07 02:30:00', '2027-06-14 02:30:00']);
    assert.deepEqual(p.notes, []);
    const d = previewCron('*/5 * * * *', undefined, undefined, { from: new Date('2027-06-01T00:01:00Z') });
    assert.equal(d.nextRuns.length, 5);
    assert.equal(d.nextRuns[0], '2027-06-01T00:05:00.000Z');
    assert.equal(d.localTimes[0], '2027-06-01 00:05:00');
  });

  test('Europe/London, last Sunday of March 2027: 01:30 does not exist on the 28th and is skipped', () => {
    const p = previewCron('30 1 * * *', 'Europe/London', 4, { from: new Date('2027-03-26T12:00:00Z') });
    assert.deepEqual(p.nextRuns, ['2027-03-27T01:30:00.000Z', '2027-03-29T00:30:00.000Z', '2027-03-30T00:30:00.000Z', '2027-03-31T00:30:00.000Z']);
    assert.deepEqual(p.localTimes, ['2027-03-27 01:30:00', '2027-03-29 01:30:00', '2027-03-30 01:30:00', '2027-03-31 01:30:00']);
    assert.equal(p.notes.length, 1);
    assert.match(p.notes[0], /On 2027-03-28 the clocks in Europe\/London go forward from 01:00 to 02:00: the run at 01:30 does not exist that day and is skipped/);
  });

  test('Europe/London spring gap with frequent runs: the runs in the gap are skipped, the next is 02:00 BST', () => {
    const p = previewCron('*/15 * * * *', 'Europe/London', 3, { from: new Date('2027-03-28T00:50:00Z') });
    assert.deepEqual(p.nextRuns, ['2027-03-28T01:00:00.000Z', '2027-03-28T01:15:00.000Z', '2027-03-28T01:30:00.000Z']);
    assert.deepEqual(p.localTimes, ['2027-03-28 02:00:00', '2027-03-28 02:15:00', '2027-03-28 02:30:00']);
    assert.match(p.notes[0], /the runs at 01:00, 01:15, 01:30, 01:45 do not exist that day/);
  });

  test('Europe/London, last Sunday of October 2027: the repeated 01:30 runs once, at its first occurrence (01:30 BST)', () => {
    const p = previewCron('30 1 * * *', 'Europe/London', 3, { from: new Date('2027-10-30T12:00:00Z') });
    assert.deepEqual(p.nextRuns, ['2027-10-31T00:30:00.000Z', '2027-11-01T01:30:00.000Z', '2027-11-02T01:30:00.000Z']);
    assert.deepEqual(p.localTimes, ['2027-10-31 01:30:00', '2027-11-01 01:30:00', '2027-11-02 01:30:00']);
    assert.equal(p.notes.length, 1);
    assert.match(p.notes[0], /On 2027-10-31 the clocks in Europe\/London go back from 02:00 to 01:00.*the run at 01:30 runs once, not twice \(at 2027-10-31T00:30:00.000Z\)/);
  });

  test('no DST note when no run falls in a gap or repeat', () => {
    const p = previewCron('0 12 * * *', 'Europe/London', 5, { from: new Date('2027-03-26T00:00:00Z') });
    assert.deepEqual(p.notes, []);
    assert.ok(p.localTimes.every((t) => t.endsWith(' 12:00:00')));
  });

  test('an invalid request names each field', () => {
    assert.throws(
      () => previewCron('* * 32 * *', 'Mars/Olympus', 0),
      (err: unknown) => {
        assert.ok(err instanceof CronPreviewError);
        assert.deepEqual(fieldsOf(err.details), ['count', 'expression', 'timezone']);
        assert.match(messageOf(err.details, 'expression'), /day-of-month field '32'/);
        return true;
      },
    );
    assert.throws(() => previewCron('* * * * *', 'UTC', 51), CronPreviewError);
    assert.throws(() => previewCron('0 0 31 * 1#1', 'UTC', 1), /never runs/);
  });
});

describe('package drafts: validatePackage checks the schedules', () => {
  const examples = path.resolve(__dirname, '../../examples');
  async function validateWith(schedulesYaml: string) {
    const dir = await mkdtemp(path.join(tmpdir(), 'flowgate-sched-draft-'));
    try {
      await cp(examples, dir, { recursive: true });
      const draft = `name: network-ops\nversion: 1\ndefinitions:\n  flows:\n    - network/core/Restart-Service\n    - network/core/Check-Reachability\n    - network/core/Run-Command\n  connections:\n    - local-gateway\n${schedulesYaml}`;
      await writeFile(path.join(dir, 'packages/network-ops.package.yaml'), draft);
      return validatePackage(await loadWorkspace(directorySource(dir)), 'network-ops');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  test('valid schedules pass', async () => {
    const v = await validateWith('schedules:\n  - name: nightly\n    flow: network/core/Restart-Service\n    expression: "0 30 2 * * 1"\n    timezone: Europe/London\n    inputs:\n      device: 10.0.0.1\n');
    assert.equal(v.ok, true, JSON.stringify(v.diagnostics));
  });

  test('a flow not in the package, a bad expression, zone and inputs are errors at the schedule', async () => {
    const v = await validateWith(
      'schedules:\n' +
        '  - name: a\n    flow: network/inventory/Get-Gateway-Status\n    expression: "0 * * * *"\n' +
        '  - name: b\n    flow: network/core/Restart-Service\n    expression: "61 * * * *"\n    timezone: Mars/Base\n    inputs:\n      device: 5\n      bogus: x\n',
    );
    assert.equal(v.ok, false);
    const codes = v.diagnostics.map((d) => `${d.code}: ${d.message}`);
    assert.ok(codes.some((c) => /^schedule-flow-not-in-package: schedule 'a': flow 'network\/inventory\/Get-Gateway-Status' is not in the package/.test(c)), codes.join('\n'));
    assert.ok(codes.some((c) => /^invalid-schedule: schedule 'b': expression minute field '61'/.test(c)), codes.join('\n'));
    assert.ok(codes.some((c) => /^invalid-schedule: schedule 'b': timezone/.test(c)));
    assert.ok(codes.some((c) => /^invalid-schedule: schedule 'b': inputs.device input 'device' must be of type string/.test(c)));
    assert.ok(codes.some((c) => /^invalid-schedule: schedule 'b': inputs.bogus unknown input/.test(c)));
    const expr = v.diagnostics.find((d) => /minute field/.test(d.message));
    assert.equal(expr?.file, 'packages/network-ops.package.yaml');
    assert.ok(expr?.range && expr.range.start.line > 8);
  });

  test('the schema describes schedule items: a missing expression or unknown property is a schema error', async () => {
    const v = await validateWith('schedules:\n  - name: a\n    flow: network/core/Restart-Service\n    cron: "* * * * *"\n');
    assert.equal(v.ok, false);
    const messages = v.diagnostics.map((d) => d.message).join('\n');
    assert.match(messages, /expression/);
    assert.match(messages, /cron/);
  });
});
