import assert from 'node:assert/strict';
import { parsePeriod, type Period } from '../../../protocol/period.js';
import { maxWithin, nests, samePeriod } from '../../../service-stub/definition/checks/periods.js';
import { validateDefinition } from '../../../service-stub/definition/index.js';
import { allErrors, type CliObject, errorsOf, toInput, warningsOf } from './helpers.js';

const has = (list: string[], ...parts: string[]): boolean => list.some((m) => parts.every((p) => m.includes(p)));
const P = (t: string): Period => parsePeriod(t, { allowSeconds: true }) as Period;
const sched = (id: string, period: string, start = '2030-01-01T00:00:00'): CliObject => ({ id, type: 'Schedule', period, startDateTime: start });

/** Producer `In` on `producer`, consumer `Job` (reads In) on `consumer`. */
function rollup(producer: string, consumer: string, extra: CliObject[] = [], scheduleType = 'cron') {
  return validateDefinition(
    toInput({
      objects: [
        { id: 'Default', scheduleType, workerGroup: 'wg' },
        sched('Fine', producer),
        sched('Coarse', consumer),
        { id: 'In', type: 'S3DataNode', directoryPath: 's3://b/in', schedule: { ref: 'Fine' } },
        { id: 'Job', type: 'ShellCommandActivity', command: 'x', schedule: { ref: 'Coarse' }, input: { ref: 'In' } },
        ...extra,
      ],
    }),
    { relaxedLimits: true },
  );
}

describe('definition: period arithmetic for roll-ups (scheduler.md 2.5)', () => {
  it('the same period spelled differently', () => {
    assert.ok(samePeriod(P('1 day'), P('24 hours')));
    assert.ok(samePeriod(P('1 week'), P('7 days')));
    assert.ok(samePeriod(P('1 year'), P('12 months')));
    assert.ok(!samePeriod(P('30 days'), P('1 month')));
  });

  it('nesting: fixed in fixed divides; a fixed period nests in months only when it divides a day', () => {
    assert.ok(nests(P('1 hour'), P('1 day')));
    assert.ok(!nests(P('7 hours'), P('1 day')));
    assert.ok(nests(P('1 day'), P('1 month')));
    assert.ok(nests(P('6 hours'), P('1 year')));
    assert.ok(!nests(P('1 week'), P('1 month')));
    assert.ok(!nests(P('2 days'), P('1 month')));
    assert.ok(nests(P('3 months'), P('1 year')));
    assert.ok(!nests(P('5 months'), P('1 year')));
  });

  it('instances inside one interval count the longest month and leap years', () => {
    assert.equal(maxWithin(P('1 hour'), P('1 day')), 24);
    assert.equal(maxWithin(P('15 minutes'), P('1 day')), 96);
    assert.equal(maxWithin(P('1 day'), P('1 month')), 31);
    assert.equal(maxWithin(P('1 day'), P('1 year')), 366);
    assert.equal(maxWithin(P('1 month'), P('1 year')), 12);
    assert.equal(maxWithin(P('1 week'), P('1 month')), 4);
  });
});

describe('definition: roll-up limit (scheduler.md 2.5, 11)', () => {
  it('hourly into daily (24) is fine; 45 minutes into a day (32) is the limit', () => {
    assert.deepEqual(allErrors(rollup('1 hour', '1 day')), []);
    assert.deepEqual(allErrors(rollup('45 minutes', '1 day')), []);
    assert.deepEqual(warningsOf(rollup('1 hour', '1 day'), 'Job'), []);
  });

  it('15 minutes into a day (96) is an error naming the object, the field and both periods', () => {
    const r = rollup('15 minutes', '1 day');
    assert.ok(
      has(errorsOf(r, 'Job'), 'ROLLUP_LIMIT_EXCEEDED:', "'input' value 'In'", "'Job' (schedule 'Coarse', period '1 day')", "96 instances of 'In' (schedule 'Fine', period '15 minutes')", 'maximum is 32'),
      JSON.stringify(r.errors),
    );
  });

  it('calendar periods: daily into monthly (31) is fine, 12 hours into monthly (62) is not', () => {
    assert.deepEqual(allErrors(rollup('1 day', '1 month')), []);
    assert.ok(has(errorsOf(rollup('12 hours', '1 month'), 'Job'), '62 instances'));
    assert.deepEqual(allErrors(rollup('1 month', '1 year')), []);
  });

  it('a finer consumer takes one producer instance: no limit', () => {
    const r = rollup('1 day', '15 minutes');
    assert.deepEqual(allErrors(r), []);
    assert.deepEqual(warningsOf(r, 'Job'), []);
  });

  it('periods that do not nest are a warning, in either direction', () => {
    const r = rollup('1 week', '1 month');
    assert.deepEqual(allErrors(r), []);
    assert.ok(has(warningsOf(r, 'Job'), 'NON_NESTING_PERIODS:', "'input' value 'In'", "period '1 week' does not divide period '1 month'"), JSON.stringify(r.warnings));
    assert.ok(has(warningsOf(rollup('1 month', '1 week'), 'Job'), "period '1 week' does not divide period '1 month'"));
    assert.ok(has(warningsOf(rollup('7 hours', '1 day'), 'Job'), 'NON_NESTING_PERIODS:'));
  });

  it('nesting periods whose starts do not line up are a warning', () => {
    const r = validateDefinition(
      toInput({
        objects: [
          { id: 'Default', scheduleType: 'cron', workerGroup: 'wg' },
          sched('Fine', '1 hour', '2030-01-01T00:30:00'),
          sched('Coarse', '1 day'),
          { id: 'In', type: 'S3DataNode', directoryPath: 's3://b/in', schedule: { ref: 'Fine' } },
          { id: 'Job', type: 'ShellCommandActivity', command: 'x', schedule: { ref: 'Coarse' }, input: { ref: 'In' } },
        ],
      }),
    );
    assert.ok(has(warningsOf(r, 'Job'), 'UNALIGNED_SCHEDULES:', "not on a '1 hour' boundary of 'Fine'"), JSON.stringify(r.warnings));
  });

  it("an activity's output: the data node waits for the activity's instances (reported on the activity)", () => {
    const r = rollup('1 day', '1 day', [
      sched('Quarter', '15 minutes'),
      { id: 'Often', type: 'ShellCommandActivity', command: 'x', schedule: { ref: 'Quarter' }, output: { ref: 'Daily' } },
      { id: 'Daily', type: 'S3DataNode', directoryPath: 's3://b/d', schedule: { ref: 'Coarse' } },
    ]);
    assert.ok(has(errorsOf(r, 'Often'), "'output' value 'Daily'", "each instance of 'Daily'", "96 instances of 'Often'"), JSON.stringify(r.errors));
  });

  it('dependsOn, inherited schedules (Default) and period parameters count', () => {
    const r = validateDefinition(
      toInput({
        objects: [
          { id: 'Default', scheduleType: 'timeseries', workerGroup: 'wg', schedule: { ref: 'Day' } },
          { id: 'Day', type: 'Schedule', period: '#{myPeriod}', startDateTime: '2030-01-01T00:00:00' },
          sched('Quarter', '15 minutes'),
          { id: 'Often', type: 'ShellCommandActivity', command: 'x', schedule: { ref: 'Quarter' } },
          { id: 'Job', type: 'ShellCommandActivity', command: 'x', dependsOn: { ref: 'Often' } },
        ],
        parameters: [{ id: 'myPeriod', type: 'String' }],
        values: { myPeriod: '1 day' },
      }),
    );
    assert.ok(has(errorsOf(r, 'Job'), "'dependsOn' value 'Often'", "period '1 day'", '96 instances'), JSON.stringify(r.errors));
  });

  it('on-demand pipelines and objects without a schedule are not judged', () => {
    const od = validateDefinition(
      toInput({
        objects: [
          { id: 'Default', scheduleType: 'ondemand', workerGroup: 'wg' },
          { id: 'A', type: 'ShellCommandActivity', command: 'x' },
          { id: 'B', type: 'ShellCommandActivity', command: 'x', dependsOn: { ref: 'A' } },
        ],
      }),
    );
    assert.deepEqual(allErrors(od), []);
    const noSchedule = rollup('15 minutes', '1 day', [{ id: 'Out', type: 'S3DataNode', directoryPath: 's3://b/o' }]);
    assert.deepEqual(errorsOf(noSchedule, 'Out'), []);
  });
});
