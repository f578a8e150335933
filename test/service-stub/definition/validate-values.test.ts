import assert from 'node:assert/strict';
import { validateDefinition } from '../../../service-stub/definition/index.js';
import { allErrors, errorsOf, pipeline, toInput } from './helpers.js';

const has = (list: string[], ...parts: string[]): boolean => list.some((m) => parts.every((p) => m.includes(p)));
const run = (patch: Parameters<typeof pipeline>[1], relaxedLimits = false, extra: Parameters<typeof pipeline>[0] = []) =>
  validateDefinition(toInput(pipeline(extra, patch)), { relaxedLimits });

describe('definition: Period fields', () => {
  it('syntax: "N unit", any case, singular or plural', () => {
    for (const v of ['15 minutes', '15 Minutes', '1 hours', '1 Hour', '1 Day', '1 Days', '3 hours', '1 week', '2 months', '1 year'])
      assert.deepEqual(allErrors(run({ Hourly: { period: v } })), [], v);
    const r = run({ Job: { attemptTimeout: 'an hour' } });
    assert.ok(has(errorsOf(r, 'Job'), 'INVALID_FIELD_VALUE:', "'attemptTimeout'", "'an hour'", 'not a valid period'));
  });

  it('retryDelay >= 2 minutes', () => {
    assert.deepEqual(allErrors(run({ Job: { retryDelay: '2 minutes' } })), []);
    const r = run({ Job: { retryDelay: '1 minutes' } });
    assert.ok(errorsOf(r, 'Job').includes("INVALID_FIELD_VALUE:  'retryDelay' value '1 minutes' is below the minimum of 2 minutes"));
  });

  it('a bad value on Default is reported once, on Default', () => {
    const r = run({ Default: { retryDelay: '1 minutes' } });
    assert.ok(has(errorsOf(r, 'Default'), "'retryDelay' value '1 minutes'"));
    assert.deepEqual(errorsOf(r, 'Job'), []);
  });

  it('schedule period between 15 minutes and 3 years', () => {
    assert.ok(has(errorsOf(run({ Hourly: { period: '14 minutes' } }), 'Hourly'), "'period' value '14 minutes' is below the minimum of 15 minutes"));
    assert.ok(has(errorsOf(run({ Hourly: { period: '4 years' } }), 'Hourly'), "'period' value '4 years' is above the maximum of 3 years"));
    assert.deepEqual(allErrors(run({ Hourly: { period: '3 years' } })), []);
  });

  it('lateAfterTimeout >= 15 minutes', () => {
    assert.ok(has(errorsOf(run({ Job: { lateAfterTimeout: '10 minutes' } }), 'Job'), "'lateAfterTimeout' value '10 minutes' is below the minimum of 15 minutes"));
  });

  it('relaxed limits: seconds allowed, minimums lifted', () => {
    const strict = run({ Hourly: { period: '30 seconds' }, Job: { retryDelay: '10 seconds' } });
    assert.ok(has(errorsOf(strict, 'Hourly'), "'period' value '30 seconds'", "'seconds'", 'relaxed limits'));
    const relaxed = run({ Hourly: { period: '30 seconds' }, Job: { retryDelay: '10 seconds', lateAfterTimeout: '1 minutes' } }, true);
    assert.deepEqual(allErrors(relaxed), []);
  });

  it('a Period given by a parameter is checked with the parameter value', () => {
    const def = pipeline([], { Job: { retryDelay: '#{myDelay}' } });
    const input = { ...toInput(def), parameterObjects: [{ id: 'myDelay', attributes: [{ key: 'type', stringValue: 'String' }] }] };
    const r = validateDefinition({ ...input, parameterValues: [{ id: 'myDelay', stringValue: '1 minutes' }] });
    assert.ok(has(errorsOf(r, 'Job'), "'retryDelay' value '#{myDelay}' is below the minimum of 2 minutes"));
  });
});

describe('definition: integer and enumeration fields', () => {
  it('maximumRetries is an integer 0..5', () => {
    for (const v of ['0', '5']) assert.deepEqual(allErrors(run({ Job: { maximumRetries: v } })), [], v);
    assert.ok(has(errorsOf(run({ Job: { maximumRetries: '6' } }), 'Job'), "'maximumRetries' value '6' is above the maximum of 5"));
    assert.ok(has(errorsOf(run({ Job: { maximumRetries: '-1' } }), 'Job'), "'maximumRetries' value '-1' is below the minimum of 0"));
    assert.ok(has(errorsOf(run({ Job: { maximumRetries: 'two' } }), 'Job'), "'maximumRetries' value 'two' is not an integer"));
  });

  it('maxActiveInstances is 1..5', () => {
    assert.deepEqual(allErrors(run({ Job: { maxActiveInstances: '5' } })), []);
    assert.ok(has(errorsOf(run({ Job: { maxActiveInstances: '0' } }), 'Job'), "'maxActiveInstances' value '0' is below the minimum of 1"));
    assert.ok(has(errorsOf(run({ Default: { maxActiveInstances: '6' } }), 'Default'), "'maxActiveInstances' value '6' is above the maximum of 5"));
  });

  it('scheduleType is cron, timeseries or ondemand, case-insensitive', () => {
    for (const v of ['CRON', 'Timeseries', 'cron']) assert.deepEqual(allErrors(run({ Default: { scheduleType: v } })), [], v);
    assert.ok(has(errorsOf(run({ Default: { scheduleType: 'hourly' } }), 'Default'), "'scheduleType' value 'hourly' must be one of 'cron', 'timeseries', 'ondemand'"));
  });

  it('failureAndRerunMode is none or cascade, case-insensitive', () => {
    assert.deepEqual(allErrors(run({ Default: { failureAndRerunMode: 'CASCADE' } })), []);
    assert.ok(has(errorsOf(run({ Job: { failureAndRerunMode: 'always' } }), 'Job'), "'failureAndRerunMode' value 'always'"));
  });

  it('booleans are true/false', () => {
    assert.ok(has(errorsOf(run({ Job: { stage: 'yes' } }), 'Job'), "'stage' value 'yes' must be 'true' or 'false'"));
  });
});
