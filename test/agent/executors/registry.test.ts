/** executorFor: the types this agent runs, and a clear FAILED for everything else. */
import assert from 'node:assert/strict';
import { executorFor, supportedTypes } from '../../../agent/executors/registry.js';
import { shellCommandActivity } from '../../../agent/executors/shell-command-activity.js';
import { shellCommandPrecondition } from '../../../agent/executors/shell-command-precondition.js';
import type { Outcome } from '../../../agent/executors/executor.js';
import { removeTempDirs, tempDir } from '../process/helpers.js';
import { testContext } from './context.js';

async function run(type: string | undefined): Promise<Extract<Outcome, { status: 'FAILED' }>> {
  const ctx = testContext(tempDir(), type === undefined ? { command: 'touch ran' } : { type, command: 'touch ran' });
  const o = await executorFor(type).execute(ctx);
  assert.equal(o.status, 'FAILED');
  assert.equal(ctx.spawned.length, 0, 'nothing may run');
  return o as Extract<Outcome, { status: 'FAILED' }>;
}

describe('agent/executors registry and unsupported types', () => {
  after(removeTempDirs);

  it('maps the shell types to their executors', () => {
    assert.equal(executorFor('ShellCommandActivity'), shellCommandActivity);
    assert.equal(executorFor('ShellCommandPrecondition'), shellCommandPrecondition);
    for (const t of ['ShellCommandActivity', 'ShellCommandPrecondition', 'S3KeyExists', 'S3PrefixNotEmpty', 'Exists']) assert.ok(supportedTypes().includes(t), t);
    assert.deepEqual(supportedTypes(), [...supportedTypes()].sort());
  });

  for (const type of ['EmrActivity', 'HiveActivity', 'HiveCopyActivity', 'PigActivity', 'HadoopActivity']) {
    it(`${type}: FAILED UnsupportedActivityType, needs EMR`, async () => {
      const f = await run(type);
      assert.equal(f.errorId, 'UnsupportedActivityType');
      assert.match(f.errorMessage, new RegExp(`^${type} cannot run on this Task Runner: .*EMR`));
    });
  }

  it('RedshiftCopyActivity: FAILED UnsupportedActivityType, says why', async () => {
    const f = await run('RedshiftCopyActivity');
    assert.equal(f.errorId, 'UnsupportedActivityType');
    assert.match(f.errorMessage, /Redshift/);
  });

  for (const type of ['DynamoDBDataExists', 'DynamoDBTableExists']) {
    it(`${type}: FAILED UnsupportedPreconditionType, needs DynamoDB`, async () => {
      const f = await run(type);
      assert.equal(f.errorId, 'UnsupportedPreconditionType');
      assert.match(f.errorMessage, /DynamoDB/);
    });
  }

  it('the SQL types are built and registered', () => {
    for (const type of ['SqlActivity', 'SqlPrecondition']) {
      assert.ok(supportedTypes().includes(type), type);
      assert.deepEqual(executorFor(type).types, [type]);
    }
  });

  it('unknown or missing types name what this agent runs', async () => {
    const f = await run('FooActivity');
    assert.equal(f.errorId, 'UnsupportedActivityType');
    assert.equal(f.errorMessage, `Unknown activity type FooActivity; this Task Runner runs: ${supportedTypes().join(', ')}`);
    assert.equal((await run('BarPrecondition')).errorId, 'UnsupportedPreconditionType');
    assert.match((await run(undefined)).errorMessage, /has no type; this Task Runner runs: .*ShellCommandActivity/);
  });
});
