import assert from 'node:assert/strict';
import { validateDefinition } from '../../../service-stub/definition/index.js';
import { allErrors, fixture, obj, toInput, warningsOf } from './helpers.js';

const NOW = new Date('2026-11-23T00:00:00Z');

describe('definition: scheduler.md section 13 examples', () => {
  for (const name of ['13-1-weblogs.json', '13-2-clean-events.json', '13-3-orders-export.json']) {
    it(`${name} validates without errors`, () => {
      const r = validateDefinition(toInput(fixture(name)), { now: NOW });
      assert.equal(r.reject, undefined);
      assert.deepEqual(allErrors(r), []);
    });
  }

  it('13.1 warns about cascade + backfill with the documented text', () => {
    const r = validateDefinition(toInput(fixture('13-1-weblogs.json')), { now: NOW });
    assert.ok(
      warningsOf(r, 'ArchiveWeb01').includes(
        "ArchiveWeb01 has 'failureAndRerunMode' field set to 'cascade' and you are about to create a backfill with scheduleStartTime 2026-03-01T00:00:00. This can result in rapid creation of pipeline objects in case of failures.",
      ),
    );
  });

  it('13.3 without the masked password value only warns (value may come at activation)', () => {
    const r = validateDefinition(toInput(fixture('13-3-orders-export.json')), { now: NOW });
    assert.ok(warningsOf(r, '*myDbPassword').some((w) => w.startsWith('MISSING_PARAMETER_VALUE:')));
    const strict = validateDefinition(toInput(fixture('13-3-orders-export.json')), { now: NOW, requireParameterValues: true });
    assert.ok(allErrors(strict).some((e) => e.startsWith('*myDbPassword: MISSING_PARAMETER_VALUE:')));
  });

  for (const name of ['devguide-pig-activity.json', 'devguide-http-proxy.json', 'devguide-hive-copy-activity.json']) {
    it(`Developer Guide example ${name} validates without errors`, () => {
      assert.deepEqual(allErrors(validateDefinition(toInput(fixture(name)), { now: NOW })), []);
    });
  }

  it('the Developer Guide "Schedule from Parent reference" example validates', () => {
    const objects = [
      { id: 'Default', failureAndRerunMode: 'cascade', resourceRole: 'DataPipelineDefaultResourceRole', role: 'DataPipelineDefaultRole', pipelineLogUri: 's3://myLogsbucket', scheduleType: 'cron' },
      { id: 'parent1', schedule: { ref: 'DefaultSchedule' } },
      { id: 'DefaultSchedule', type: 'Schedule', occurrences: '1', period: '1 Day', startAt: 'FIRST_ACTIVATION_DATE_TIME' },
      { id: 'A_Fresh_NewEC2Instance', type: 'Ec2Resource', terminateAfter: '1 Hour' },
      { id: 'ShellCommandActivity_HelloWorld', runsOn: { ref: 'A_Fresh_NewEC2Instance' }, parent: { ref: 'parent1' }, type: 'ShellCommandActivity', command: "echo 'Hello World!'" },
    ].map(obj);
    assert.deepEqual(allErrors(validateDefinition({ objects })), []);
  });

  it('the Developer Guide on-demand example (ONDEMAND Schedule form) validates', () => {
    const objects = [
      { id: 'Default', resourceRole: 'DataPipelineDefaultResourceRole', role: 'DataPipelineDefaultRole', scheduleType: 'ondemand', schedule: { ref: 'DefaultSchedule' } },
      { id: 'DefaultSchedule', type: 'Schedule', period: 'ONDEMAND_PERIOD', startAt: 'ONDEMAND_ACTIVATION_TIME' },
      { id: 'Res', type: 'Ec2Resource' },
      { id: 'Act', type: 'ShellCommandActivity', command: 'true', runsOn: { ref: 'Res' } },
    ].map(obj);
    assert.deepEqual(allErrors(validateDefinition({ objects })), []);
  });

  it('a SqlPrecondition (our extension) validates on our server', () => {
    const objects = [
      { id: 'Default', scheduleType: 'ondemand', workerGroup: 'wg' },
      { id: 'Db', type: 'JdbcDatabase', connectionString: 'jdbc:postgresql://h/db', jdbcDriverClass: 'org.postgresql.Driver', username: 'u', '*password': 'p' },
      { id: 'Ready', type: 'SqlPrecondition', database: { ref: 'Db' }, query: 'select 1' },
      { id: 'Act', type: 'ShellCommandActivity', command: 'true', precondition: { ref: 'Ready' } },
    ].map(obj);
    const r = validateDefinition({ objects });
    assert.deepEqual(allErrors(r), []);
    assert.ok(warningsOf(r, 'Ready').some((w) => w.startsWith('NON_AWS_TYPE:') && w.includes("'SqlPrecondition'")));
  });
});
