import assert from 'node:assert/strict';
import { validateDefinition } from '../../../service-stub/definition/index.js';
import { allErrors, type CliDefinition, errorsOf, pipeline, toInput, warningsOf } from './helpers.js';

const has = (list: string[], ...parts: string[]): boolean => list.some((m) => parts.every((p) => m.includes(p)));
const edit = (active: CliDefinition, next: CliDefinition) => validateDefinition(toInput(next), { active: toInput(active) });

describe('definition: editing after activation (scheduler.md 1.4)', () => {
  it('without an active definition nothing is compared', () => {
    assert.deepEqual(allErrors(validateDefinition(toInput(pipeline([], { Hourly: { period: '2 hours' } })))), []);
  });

  it('the order of repeated references does not matter; adding one to the list does', () => {
    const two = pipeline([{ id: 'A', type: 'ShellCommandActivity', command: 'a' }, { id: 'B', type: 'ShellCommandActivity', command: 'b' }], {
      Job: { dependsOn: [{ ref: 'A' }, { ref: 'B' }] },
    });
    const swapped = pipeline([{ id: 'A', type: 'ShellCommandActivity', command: 'a' }, { id: 'B', type: 'ShellCommandActivity', command: 'b' }], {
      Job: { dependsOn: [{ ref: 'B' }, { ref: 'A' }] },
    });
    assert.deepEqual(allErrors(edit(two, swapped)), []);
    const one = pipeline([{ id: 'A', type: 'ShellCommandActivity', command: 'a' }, { id: 'B', type: 'ShellCommandActivity', command: 'b' }], {
      Job: { dependsOn: { ref: 'A' } },
    });
    assert.ok(has(errorsOf(edit(one, two), 'Job'), "'dependsOn' value changed from 'A' to 'A', 'B'"));
  });

  it('a period given by a parameter is compared by value; a template change shows on the Schedule inheriting it', () => {
    const withParam = (v: string): CliDefinition => ({
      ...pipeline([], { Hourly: { period: '#{myPeriod}' } }),
      parameters: [{ id: 'myPeriod', type: 'String' }],
      values: { myPeriod: v },
    });
    assert.deepEqual(allErrors(edit(withParam('1 hour'), withParam('60 minutes'))), []);
    assert.ok(has(errorsOf(edit(withParam('1 hour'), withParam('2 hours')), 'Hourly'), "'period' value changed from '1 hour' to '2 hours'"));
    const templ = (start: string): CliDefinition =>
      pipeline([{ id: 'Starts', startDateTime: start }], { Hourly: { parent: { ref: 'Starts' }, startDateTime: undefined } });
    const r = edit(templ('2030-01-01T00:00:00'), templ('2030-02-01T00:00:00'));
    assert.ok(has(errorsOf(r, 'Hourly'), "'startDateTime' value changed from '2030-01-01T00:00:00' to '2030-02-01T00:00:00'"), JSON.stringify(r.errors));
  });

  it('an active on-demand definition gives warnings, not errors', () => {
    const od = (extra: boolean): CliDefinition => ({
      objects: [
        { id: 'Default', scheduleType: 'ondemand', workerGroup: 'wg' },
        { id: 'A', type: 'ShellCommandActivity', command: 'a' },
        ...(extra ? [{ id: 'B', type: 'ShellCommandActivity', command: 'b', dependsOn: { ref: 'A' } }] : []),
      ],
    });
    const r = edit(od(true), od(false));
    assert.deepEqual(allErrors(r), []);
    assert.ok(has(warningsOf(r, 'B'), 'EDIT_AFTER_ACTIVATION:', "object 'B' was removed", 'AWS refuses this edit'));
  });

  it('turning an activated scheduled pipeline on demand changes its period', () => {
    const active = pipeline();
    const next = pipeline([], {
      Default: { scheduleType: 'ondemand' },
      Hourly: { period: 'ONDEMAND_PERIOD', startAt: 'ONDEMAND_ACTIVATION_TIME', startDateTime: undefined },
    });
    const r = edit(active, next);
    assert.ok(has(errorsOf(r, 'Hourly'), "'period' value changed from '1 hour' to 'ONDEMAND_PERIOD'"), JSON.stringify(r.errors));
  });
});
