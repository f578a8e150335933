import assert from 'node:assert/strict';
import { validateDefinition } from '../../../service-stub/definition/index.js';
import { allErrors, errorsOf, obj, pipeline, toInput, warningsOf } from './helpers.js';

const has = (list: string[], ...parts: string[]): boolean => list.some((m) => parts.every((p) => m.includes(p)));
const run = (patch: Parameters<typeof pipeline>[1], extra: Parameters<typeof pipeline>[0] = []) => validateDefinition(toInput(pipeline(extra, patch)));

describe('definition: Schedule objects (scheduler.md 2.1)', () => {
  it('startDateTime xor startAt', () => {
    assert.ok(has(errorsOf(run({ Hourly: { startDateTime: undefined } }), 'Hourly'), "'startAt' or 'startDateTime' is required"));
    const both = run({ Hourly: { startAt: 'FIRST_ACTIVATION_DATE_TIME' } });
    assert.ok(has(errorsOf(both, 'Hourly'), "only one of 'startAt' or 'startDateTime'", "'FIRST_ACTIVATION_DATE_TIME'"));
    assert.deepEqual(allErrors(run({ Hourly: { startDateTime: undefined, startAt: 'first_activation_date_time' } })), []);
  });

  it('startAt only FIRST_ACTIVATION_DATE_TIME', () => {
    const r = run({ Hourly: { startDateTime: undefined, startAt: 'NOW' } });
    assert.ok(has(errorsOf(r, 'Hourly'), "'startAt' value 'NOW' must be one of"));
  });

  it('DateTime format (UTC, no zone, real dates)', () => {
    for (const v of ['2030-01-01 00:00:00', '2030-01-01T00:00:00Z', '2030-02-30T00:00:00', 'tomorrow'])
      assert.ok(has(errorsOf(run({ Hourly: { startDateTime: v } }), 'Hourly'), `'startDateTime' value '${v}' must be a literal datetime value`), v);
    const expr = run({ Hourly: { startDateTime: '#{plusDays(@scheduledStartTime,1)}' } });
    assert.ok(has(errorsOf(expr, 'Hourly'), 'must be a literal datetime value.'));
  });

  it('endDateTime after start', () => {
    assert.deepEqual(allErrors(run({ Hourly: { endDateTime: '2030-01-02T00:00:00' } })), []);
    const r = run({ Hourly: { endDateTime: '2030-01-01T00:00:00' } });
    assert.ok(has(errorsOf(r, 'Hourly'), "'endDateTime' value '2030-01-01T00:00:00' must be later than 'startDateTime' value '2030-01-01T00:00:00'"));
  });

  it('occurrences excludes endDateTime', () => {
    assert.deepEqual(allErrors(run({ Hourly: { occurrences: '3' } })), []);
    const r = run({ Hourly: { occurrences: '3', endDateTime: '2030-02-01T00:00:00' } });
    assert.ok(has(errorsOf(r, 'Hourly'), "'occurrences' value '3' cannot be combined with 'endDateTime' value '2030-02-01T00:00:00'"));
    assert.ok(has(errorsOf(run({ Hourly: { occurrences: '0' } }), 'Hourly'), "'occurrences' value '0' is below the minimum of 1"));
  });
});

describe('definition: schedule references', () => {
  it('activities need a schedule unless the pipeline is on demand; resources may follow their activity', () => {
    const r = run({ Default: { schedule: undefined } }, [{ id: 'N', type: 'S3DataNode', directoryPath: 's3://b/p' }, { id: 'Ec2', type: 'Ec2Resource' }]);
    assert.ok(has(errorsOf(r, 'Job'), 'MISSING_REQUIRED_FIELD:', "'schedule' is required in a 'cron' pipeline"));
    assert.deepEqual(errorsOf(r, 'N'), []);
    assert.deepEqual(errorsOf(r, 'Ec2'), []);
    assert.deepEqual(errorsOf(r, 'Hourly'), [], 'a Schedule needs no schedule');
    const od = run({ Default: { schedule: undefined, scheduleType: 'ondemand' } });
    assert.ok(!has(errorsOf(od, 'Job'), "'schedule' is required"));
  });
});

describe('definition: on-demand rules (scheduler.md 2.2)', () => {
  const onDemand = (extra: Parameters<typeof obj>[0][] = []) =>
    validateDefinition({
      objects: [
        obj({ id: 'Default', scheduleType: 'ondemand', workerGroup: 'wg' }),
        obj({ id: 'Job', type: 'ShellCommandActivity', command: 'x' }),
        ...extra.map(obj),
      ],
    });

  it('a plain on-demand pipeline (no Schedule) is valid', () => {
    assert.deepEqual(allErrors(onDemand()), []);
  });

  it('ondemand must be set on Default', () => {
    const r = run({ Job: { scheduleType: 'ondemand' } });
    assert.ok(has(errorsOf(r, 'Job'), "'scheduleType' value 'ondemand' must be set on the Default object"));
  });

  it('ondemand must be the only scheduleType', () => {
    const r = onDemand([{ id: 'Other', type: 'ShellCommandActivity', command: 'x', scheduleType: 'cron' }]);
    assert.ok(has(errorsOf(r, 'Other'), "'scheduleType' value 'cron'", "'ondemand'", 'only scheduleType'));
  });

  it('no Schedule other than the ONDEMAND form; the ONDEMAND form only on demand', () => {
    const r = onDemand([{ id: 'S', type: 'Schedule', period: '1 day', startDateTime: '2030-01-01T00:00:00' }]);
    assert.ok(has(errorsOf(r, 'S'), 'on-demand pipeline', "'period' value '1 day'"));
    const ok = onDemand([{ id: 'S', type: 'Schedule', period: 'ONDEMAND_PERIOD', startAt: 'ONDEMAND_ACTIVATION_TIME' }]);
    assert.deepEqual(allErrors(ok), []);
    const cron = run({ Hourly: { period: 'ONDEMAND_PERIOD', startDateTime: undefined, startAt: 'ONDEMAND_ACTIVATION_TIME' } });
    assert.ok(has(errorsOf(cron, 'Hourly'), "'period' value 'ONDEMAND_PERIOD' is only allowed when Default has scheduleType 'ondemand'"));
  });

  it('lateAfterTimeout is not applied on demand (warning)', () => {
    const r = onDemand([{ id: 'Late', type: 'ShellCommandActivity', command: 'x', lateAfterTimeout: '1 hour' }]);
    assert.ok(has(warningsOf(r, 'Late'), "'lateAfterTimeout' value '1 hour'", 'on-demand'));
  });
});

describe('definition: schedule warnings', () => {
  it('absent scheduleType is treated as timeseries, with a warning', () => {
    const r = run({ Default: { scheduleType: undefined } });
    assert.deepEqual(allErrors(r), []);
    assert.ok(has(warningsOf(r, 'Default'), 'MISSING_SCHEDULE_TYPE:', "'timeseries'"));
    assert.deepEqual(warningsOf(run({}), 'Default'), []);
  });

  it('cascade + backfill warning only when the start is in the past', () => {
    const past = validateDefinition(toInput(pipeline([], { Default: { failureAndRerunMode: 'cascade' } })), { now: new Date('2031-01-01T00:00:00Z') });
    assert.ok(
      warningsOf(past, 'Job').includes(
        "Job has 'failureAndRerunMode' field set to 'cascade' and you are about to create a backfill with scheduleStartTime 2030-01-01T00:00:00. This can result in rapid creation of pipeline objects in case of failures.",
      ),
    );
    const future = validateDefinition(toInput(pipeline([], { Default: { failureAndRerunMode: 'cascade' } })), { now: new Date('2029-01-01T00:00:00Z') });
    assert.deepEqual(warningsOf(future, 'Job'), []);
  });
});
