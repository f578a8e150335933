import assert from 'node:assert/strict';
import { validateDefinition } from '../../../service-stub/definition/index.js';
import { allErrors, errorsOf, pipeline, toInput } from './helpers.js';

const has = (list: string[], ...parts: string[]): boolean => list.some((m) => parts.every((p) => m.includes(p)));
const run = (...args: Parameters<typeof pipeline>) => validateDefinition(toInput(pipeline(...args)));

describe('definition: references', () => {
  it('a ref to an id that does not exist (own refs, user fields and templates included)', () => {
    const r = run([{ id: 'Tpl', myRef: { ref: 'Ghost2' } }, { id: 'C', type: 'Terminate', parent: { ref: 'Tpl' } }], {
      Job: { input: { ref: 'Ghost' } },
    });
    assert.ok(has(errorsOf(r, 'Job'), 'INVALID_REFERENCE:', "'input'", "'Ghost'"));
    assert.ok(has(errorsOf(r, 'Tpl'), 'INVALID_REFERENCE:', "'myRef'", "'Ghost2'"));
    assert.deepEqual(errorsOf(r, 'C'), [], 'reported once, where the ref is written');
  });

  it('a ref pointing at the wrong kind, in the observed AWS wording', () => {
    const r = run([], { Job: { schedule: { ref: 'Default' } } });
    assert.ok(has(errorsOf(r, 'Job'), "'schedule' values must be of type 'Schedule'. Found values of type 'Default'"));
    const r2 = run([{ id: 'Ec2', type: 'Ec2Resource' }], { Job: { input: { ref: 'Ec2' } } });
    assert.ok(has(errorsOf(r2, 'Job'), "'input' values must be of type 'DataNode'. Found values of type 'Ec2Resource'", "'Ec2'"));
  });

  it('kinds for runsOn, precondition, onFail, database, dataFormat', () => {
    const ok = run([
      { id: 'Ec2', type: 'Ec2Resource' },
      { id: 'Pre', type: 'Exists' },
      { id: 'Alarm', type: 'Terminate' },
      { id: 'Fmt', type: 'CSV' },
      { id: 'Node', type: 'S3DataNode', directoryPath: 's3://b/p', dataFormat: { ref: 'Fmt' } },
      { id: 'Db', type: 'RdsDatabase', rdsInstanceId: 'i', username: 'u', '*password': 'p' },
      { id: 'Sql', type: 'SqlActivity', database: { ref: 'Db' }, script: 'select 1' },
    ], { Job: { runsOn: { ref: 'Ec2' }, precondition: { ref: 'Pre' }, onFail: { ref: 'Alarm' }, input: { ref: 'Node' } } });
    assert.deepEqual(allErrors(ok), []);
    const bad = run([{ id: 'Sql', type: 'SqlActivity', database: { ref: 'Hourly' }, script: 'x' }], {
      Job: { runsOn: { ref: 'Hourly' }, precondition: { ref: 'Job' }, onFail: { ref: 'Hourly' } },
    });
    assert.ok(has(errorsOf(bad, 'Job'), "'runsOn' values must be of type 'Resource'. Found values of type 'Schedule'"));
    assert.ok(has(errorsOf(bad, 'Job'), "'precondition' values must be of type 'Precondition'. Found values of type 'ShellCommandActivity'"));
    assert.ok(has(errorsOf(bad, 'Job'), "'onFail' values must be of type 'Action'"));
    assert.ok(has(errorsOf(bad, 'Sql'), "'database' values must be of type 'Database'"));
  });

  it('utility refs are checked against the exact type (httpProxy -> HttpProxy)', () => {
    const r = run([
      { id: 'Prop', type: 'Property', key: 'k', value: 'v' },
      { id: 'Ec2', type: 'Ec2Resource', httpProxy: { ref: 'Prop' } },
    ]);
    assert.ok(has(errorsOf(r, 'Ec2'), "'httpProxy' values must be of type 'HttpProxy'. Found values of type 'Property'"));
  });

  it('a wrong-kind ref inherited from Default is reported on the objects that use it', () => {
    const r = run([], { Default: { schedule: { ref: 'Job' } } });
    assert.ok(has(errorsOf(r, 'Job'), "'schedule' values must be of type 'Schedule'. Found values of type 'ShellCommandActivity'"));
    assert.deepEqual(errorsOf(r, 'Hourly'), [], 'Schedule has no schedule field: the inherited one is dropped');
  });
});

describe('definition: required fields and groups', () => {
  it('required fields, counting inherited ones', () => {
    const bad = run([{ id: 'Sns', type: 'SnsAlarm', topicArn: 'arn', subject: 's' }]);
    assert.ok(has(errorsOf(bad, 'Sns'), 'MISSING_REQUIRED_FIELD:', "'message' is required"));
    assert.deepEqual(errorsOf(bad, 'Sns').filter((m) => m.includes("'role'")), [], 'role comes from Default');
    const noRole = run([{ id: 'Ec2', type: 'Ec2Resource' }], { Default: { role: undefined } });
    assert.ok(has(errorsOf(noRole, 'Ec2'), "'role' is required"));
  });

  it('exactly one of: none', () => {
    const r = run([], { Job: { command: undefined } });
    assert.ok(has(errorsOf(r, 'Job'), "MISSING_REQUIRED_FIELD:  'command' or 'scriptUri' is required"));
  });

  it('exactly one of: both (the second one coming from a template)', () => {
    const r = run([{ id: 'Tpl', scriptUri: 's3://b/s.sh' }], { Job: { parent: { ref: 'Tpl' } } });
    assert.ok(has(errorsOf(r, 'Job'), 'INVALID_FIELD_VALUE:', "only one of 'command' or 'scriptUri'", "'echo hi'", "'s3://b/s.sh'"));
    const s3 = run([{ id: 'N', type: 'S3DataNode', filePath: 's3://b/f', directoryPath: 's3://b/d' }]);
    assert.ok(has(errorsOf(s3, 'N'), "only one of 'filePath' or 'directoryPath'"));
  });

  it('activities need runsOn or workerGroup (both allowed)', () => {
    const none = run([], { Default: { workerGroup: undefined } });
    assert.ok(has(errorsOf(none, 'Job'), "'runsOn' or 'workerGroup' is required", 'WAITING_FOR_RUNNER'));
    const both = run([{ id: 'Ec2', type: 'Ec2Resource' }], { Job: { runsOn: { ref: 'Ec2' } } });
    assert.deepEqual(allErrors(both), []);
  });

  it('RedshiftDatabase needs exactly one of clusterId or connectionString', () => {
    const r = run([{ id: 'Rs', type: 'RedshiftDatabase', username: 'u', '*password': 'p' }]);
    assert.ok(has(errorsOf(r, 'Rs'), "'clusterId' or 'connectionString' is required"));
  });

  it('SqlPrecondition needs database and query', () => {
    const r = run([{ id: 'Pre', type: 'SqlPrecondition' }]);
    assert.ok(has(errorsOf(r, 'Pre'), "'database' is required"));
    assert.ok(has(errorsOf(r, 'Pre'), "'query' is required"));
  });
});

describe('definition: fields AWS requires that a self-hosted setup may lack', () => {
  it('a JdbcDatabase without *password is a warning naming the AWS rule, not an error', () => {
    const r = run([{ id: 'Db', type: 'JdbcDatabase', connectionString: 'jdbc:postgresql://h/db', jdbcDriverClass: 'org.postgresql.Driver', username: 'u' }]);
    assert.deepEqual(errorsOf(r, 'Db'), []);
    const warnings = r.warnings.find((w) => w.id === 'Db')?.warnings ?? [];
    assert.ok(has(warnings, 'MISSING_REQUIRED_FIELD:', "'*password'", 'AWS Data Pipeline requires it'), JSON.stringify(warnings));
    const without = run([{ id: 'Db', type: 'JdbcDatabase', connectionString: 'jdbc:postgresql://h/db', jdbcDriverClass: 'org.postgresql.Driver' }]);
    assert.ok(has(errorsOf(without, 'Db'), 'MISSING_REQUIRED_FIELD:', "'username' is required"));
  });
});
