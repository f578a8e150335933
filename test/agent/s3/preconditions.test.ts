import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executorFor } from '../../../agent/executors/registry.js';
import type { Outcome } from '../../../agent/executors/executor.js';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';
import { s3Context } from './context.js';
import type { FieldValue } from './context.js';

describe('S3 preconditions (S3KeyExists, S3PrefixNotEmpty, Exists) against s3rver', () => {
  let s3: TestS3;
  let dir: string;
  before(async () => {
    s3 = await startTestS3();
    await s3.createBucket('pre-bkt');
    await s3.putObject('pre-bkt', 'ready/_SUCCESS', '');
    await s3.putObject('pre-bkt', 'data/2026/part-0', 'x');
  });
  after(async () => s3.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dp-s3pre-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function run(attempt: Record<string, FieldValue>, others: Record<string, Record<string, FieldValue>> = {}): Promise<Outcome> {
    const ctx = s3Context(dir, s3.resources(), attempt, others);
    return executorFor(attempt.type as string).execute(ctx);
  }
  const failed = (o: Outcome) => {
    assert.equal(o.status, 'FAILED', JSON.stringify(o));
    return o as Extract<Outcome, { status: 'FAILED' }>;
  };

  describe('S3KeyExists', () => {
    it('met, unmet, and erroring on a missing bucket', async () => {
      assert.deepEqual(await run({ type: 'S3KeyExists', s3Key: 's3://pre-bkt/ready/_SUCCESS' }), { status: 'FINISHED' });
      const no = await run({ type: 'S3KeyExists', s3Key: 's3://pre-bkt/ready/_MISSING' });
      assert.equal(no.status, 'FALSE');
      assert.match(no.status === 'FALSE' ? (no.message ?? '') : '', /s3:\/\/pre-bkt\/ready\/_MISSING/);
      // A prefix is not a key.
      assert.equal((await run({ type: 'S3KeyExists', s3Key: 's3://pre-bkt/ready' })).status, 'FALSE');
      const f = failed(await run({ type: 'S3KeyExists', s3Key: 's3://no-such-bkt/ready/_SUCCESS' }));
      assert.equal(f.errorId, 'S3NoSuchBucket');
      assert.match(f.errorMessage, /s3KeyExists|s3Key: /);
      assert.match(f.errorMessage, /no-such-bkt/);
      assert.match(f.errorMessage, /ready\/_SUCCESS/);
    });
    it('a bad URI or a missing field fails with a clear errorId', async () => {
      const f = failed(await run({ type: 'S3KeyExists', s3Key: 'pre-bkt/ready' }));
      assert.equal(f.errorId, 'InvalidS3Uri');
      assert.match(f.errorMessage, /s3Key: "pre-bkt\/ready" is not a valid S3 URI/);
      assert.equal(failed(await run({ type: 'S3KeyExists' })).errorId, 'MissingField');
    });
  });

  describe('S3PrefixNotEmpty', () => {
    it('met, unmet, and erroring on a missing bucket', async () => {
      assert.deepEqual(await run({ type: 'S3PrefixNotEmpty', s3Prefix: 's3://pre-bkt/data/20' }), { status: 'FINISHED' });
      assert.equal((await run({ type: 'S3PrefixNotEmpty', s3Prefix: 's3://pre-bkt/data/2027/' })).status, 'FALSE');
      const f = failed(await run({ type: 'S3PrefixNotEmpty', s3Prefix: 's3://no-such-bkt/data/' }));
      assert.equal(f.errorId, 'S3NoSuchBucket');
      assert.match(f.errorMessage, /s3Prefix: .*no-such-bkt/);
    });
  });

  describe('Exists on an S3DataNode', () => {
    const exists = (node: Record<string, FieldValue>) => run({ type: 'Exists', node: { ref: 'Node' } }, { Node: { type: 'S3DataNode', ...node } });
    it('filePath: object present / absent / bucket missing', async () => {
      assert.deepEqual(await exists({ filePath: 's3://pre-bkt/data/2026/part-0' }), { status: 'FINISHED' });
      assert.equal((await exists({ filePath: 's3://pre-bkt/data/2026/part-9' })).status, 'FALSE');
      const f = failed(await exists({ filePath: 's3://no-such-bkt/x' }));
      assert.equal(f.errorId, 'S3NoSuchBucket');
      assert.match(f.errorMessage, /^Node\.filePath: /);
    });
    it('directoryPath: prefix has objects / is empty / bucket missing', async () => {
      assert.deepEqual(await exists({ directoryPath: 's3://pre-bkt/data/2026' }), { status: 'FINISHED' });
      // "data/202" is a key prefix of data/2026/..., but not a directory with objects.
      assert.equal((await exists({ directoryPath: 's3://pre-bkt/data/202' })).status, 'FALSE');
      assert.equal(failed(await exists({ directoryPath: 's3://no-such-bkt/d' })).errorId, 'S3NoSuchBucket');
    });
    it('a node type without a check, or no node, fails clearly', async () => {
      const f = failed(await run({ type: 'Exists', node: { ref: 'Node' } }, { Node: { type: 'DynamoDBDataNode' } }));
      assert.equal(f.errorId, 'ExistsUnsupportedNode');
      assert.match(f.errorMessage, /S3DataNode/);
      assert.equal(failed(await run({ type: 'Exists' })).errorId, 'ExistsWithoutNode');
    });
  });

  it('scriptUri from S3 runs the script; stdout/stderr named as s3:// are uploaded when the attempt ends', async () => {
    await s3.putObject('pre-bkt', 'scripts/hello.sh', 'echo "hello from s3"; echo "to err" >&2\n');
    const ctx = s3Context(dir, s3.resources(), {
      type: 'ShellCommandActivity',
      scriptUri: 's3://pre-bkt/scripts/hello.sh',
      stdout: 's3://pre-bkt/out/stdout.txt',
      stderr: 's3://pre-bkt/out/stderr.txt',
    });
    assert.deepEqual(await executorFor('ShellCommandActivity').execute(ctx), { status: 'FINISHED' });
    assert.equal(readFileSync(ctx.paths.stdout, 'utf8'), 'hello from s3\n');
    assert.equal((await s3.getObject('pre-bkt', 'out/stdout.txt')).toString(), 'hello from s3\n');
    assert.equal((await s3.getObject('pre-bkt', 'out/stderr.txt')).toString(), 'to err\n');
  });

  it('a missing scriptUri object fails with S3NoSuchKey before anything runs', async () => {
    const ctx = s3Context(dir, s3.resources(), { type: 'ShellCommandActivity', scriptUri: 's3://pre-bkt/scripts/none.sh' });
    const f = failed(await executorFor('ShellCommandActivity').execute(ctx));
    assert.equal(f.errorId, 'S3NoSuchKey');
    assert.match(f.errorMessage, /^scriptUri s3:\/\/pre-bkt\/scripts\/none\.sh: /);
  });

  it('a failed stdout upload fails an otherwise successful attempt', async () => {
    const ctx = s3Context(dir, s3.resources(), { type: 'ShellCommandActivity', command: 'echo hi', stdout: 's3://no-such-bkt/o.txt' });
    const f = failed(await executorFor('ShellCommandActivity').execute(ctx));
    assert.equal(f.errorId, 'S3NoSuchBucket');
    assert.match(f.errorMessage, /stdout: .*no-such-bkt/);
  });
});
