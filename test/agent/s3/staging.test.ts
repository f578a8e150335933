import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createShellCommandActivity } from '../../../agent/executors/shell-command-activity.js';
import type { Outcome } from '../../../agent/executors/executor.js';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';
import { s3Context } from './context.js';
import type { FieldValue } from './context.js';

const activity = createShellCommandActivity();

describe('ShellCommandActivity staging (stage: "true") against s3rver', () => {
  let s3: TestS3;
  let dir: string;

  before(async () => {
    s3 = await startTestS3();
    await s3.createBucket('in-bkt');
    await s3.createBucket('out-bkt');
    await s3.putObject('in-bkt', 'logs/day1/a.txt', 'alpha\n');
    await s3.putObject('in-bkt', 'logs/day1/sub/b.txt', 'beta\n');
    await s3.putObject('in-bkt', 'logs/day1/', ''); // a "folder" marker, skipped
    await s3.putObject('in-bkt', 'single/file.csv', 'x,y\n');
    await s3.putObject('in-bkt', 'evil/dotdot/escape.txt', 'pwned\n');
    await s3.putObject('in-bkt', 'evil2/a.txt', 'fine\n');
    await s3.putObject('in-bkt', 'evil2/abs.txt', 'pwned\n');
  });
  after(async () => s3.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dp-staging-'));
    s3.requests.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function run(attempt: Record<string, FieldValue>, nodes: Record<string, Record<string, FieldValue>>): Promise<Outcome> & { ctx: ReturnType<typeof s3Context> } {
    const ctx = s3Context(dir, s3.resources(), { type: 'ShellCommandActivity', stage: 'true', ...attempt }, nodes);
    return Object.assign(activity.execute(ctx), { ctx });
  }

  // The command runs in the agent's working directory: mark "it ran" with an absolute path in the temp dir.
  const touchRan = () => `touch '${join(dir, 'ran')}'`;
  const stagingLeft = () => (existsSync(join(dir, 'output', 'staging')) ? readdirSync(join(dir, 'output', 'staging')) : []);

  it('stages a directoryPath and a filePath input in, and an output dir out without // in keys', async () => {
    const command = [
      'set -e',
      'case "$INPUT1_STAGING_DIR" in /*) ;; *) exit 9;; esac',
      'basename "$INPUT1_STAGING_DIR" | grep -Eq "^df-S3TEST_input1_[0-9a-f]{32}$"',
      'basename "$OUTPUT1_STAGING_DIR" | grep -Eq "^df-S3TEST_output1_[0-9a-f]{32}$"',
      'cat "$INPUT1_STAGING_DIR/a.txt" "$INPUT1_STAGING_DIR/sub/b.txt" > "$OUTPUT1_STAGING_DIR/joined.txt"',
      'mkdir "$OUTPUT1_STAGING_DIR/nested"',
      'cp "$INPUT2_STAGING_DIR/file.csv" "$OUTPUT1_STAGING_DIR/nested/copy.csv"',
      'ls -A "$INPUT1_STAGING_DIR" | sort | tr "\\n" " "',
    ].join('\n');
    const p = run(
      { command, input: [{ ref: 'Dir' }, { ref: 'File' }], output: { ref: 'Out' } },
      {
        Dir: { type: 'S3DataNode', directoryPath: 's3://in-bkt/logs/day1' },
        File: { type: 'S3DataNode', filePath: 's3://in-bkt/single/file.csv' },
        Out: { type: 'S3DataNode', directoryPath: 's3://out-bkt/results/' },
      },
    );
    const o = await p;
    assert.deepEqual(o, { status: 'FINISHED' });
    assert.equal(readFileSync(p.ctx.paths.stdout, 'utf8'), 'a.txt sub ');
    assert.deepEqual(await s3.listKeys('out-bkt'), ['results/joined.txt', 'results/nested/copy.csv']);
    assert.equal((await s3.getObject('out-bkt', 'results/joined.txt')).toString(), 'alpha\nbeta\n');
    assert.equal((await s3.getObject('out-bkt', 'results/nested/copy.csv')).toString(), 'x,y\n');
    const puts = s3.requests.filter((r) => r.method === 'PUT');
    assert.equal(puts.length, 2);
    for (const r of puts) assert.equal(r.headers['x-amz-server-side-encryption'], 'AES256');
    assert.deepEqual(stagingLeft(), []);
  });

  it('honours s3EncryptionType NONE on the output node', async () => {
    const o = await run(
      { command: 'echo hi > "$OUTPUT1_STAGING_DIR/x"', output: { ref: 'Out' } },
      { Out: { type: 'S3DataNode', directoryPath: 's3://out-bkt/plain', s3EncryptionType: 'NONE' } },
    );
    assert.deepEqual(o, { status: 'FINISHED' });
    const put = s3.requests.find((r) => r.method === 'PUT' && r.url.startsWith('/out-bkt/plain/x'));
    assert.ok(put);
    assert.equal(put.headers['x-amz-server-side-encryption'], undefined);
  });

  it('does not upload the output of a failed command, and removes the staging dirs', async () => {
    const o = await run(
      { command: 'echo hi > "$OUTPUT1_STAGING_DIR/x"; exit 4', input: { ref: 'File' }, output: { ref: 'Out' } },
      { File: { type: 'S3DataNode', filePath: 's3://in-bkt/single/file.csv' }, Out: { type: 'S3DataNode', directoryPath: 's3://out-bkt/failed' } },
    );
    assert.equal(o.status, 'FAILED');
    assert.deepEqual(await s3.listKeys('out-bkt', 'failed/'), []);
    assert.deepEqual(stagingLeft(), []);
  });

  it('fails at the start when an output node has only filePath', async () => {
    const o = await run({ command: touchRan(), output: { ref: 'Out' } }, { Out: { type: 'S3DataNode', filePath: 's3://out-bkt/x.txt' } });
    assert.equal(o.status, 'FAILED');
    assert.equal(o.status === 'FAILED' && o.errorId, 'StagingOutputNeedsDirectoryPath');
    assert.match(o.status === 'FAILED' ? o.errorMessage : '', /^Out \(output 1/);
    assert.equal(existsSync(join(dir, 'ran')), false);
  });

  it('fails naming node, field, bucket and key when an input is missing', async () => {
    const o = await run({ command: touchRan(), input: { ref: 'In' } }, { In: { type: 'S3DataNode', filePath: 's3://in-bkt/nope.csv' } });
    assert.equal(o.status === 'FAILED' && o.errorId, 'S3NoSuchKey');
    assert.match(o.status === 'FAILED' ? o.errorMessage : '', /^In\.filePath: .*s3:\/\/in-bkt\/nope\.csv/);
    const o2 = await run({ command: touchRan(), input: { ref: 'In' } }, { In: { type: 'S3DataNode', directoryPath: 's3://nobucket/x' } });
    assert.equal(o2.status === 'FAILED' && o2.errorId, 'S3NoSuchBucket');
    const o3 = await run({ command: touchRan(), input: { ref: 'In' } }, { In: { type: 'S3DataNode', directoryPath: 'https://in/x' } });
    assert.equal(o3.status === 'FAILED' && o3.errorId, 'InvalidS3Uri');
    assert.match(o3.status === 'FAILED' ? o3.errorMessage : '', /^In\.directoryPath: "https:\/\/in\/x" is not a valid S3 URI/);
    assert.equal(existsSync(join(dir, 'ran')), false);
    assert.deepEqual(stagingLeft(), []);
  });

  for (const [name, prefix, from, to, shown] of [
    ['a .. segment', 'evil', 'evil/dotdot/', 'evil/../', /evil\/\.\.\/escape\.txt/],
    ['an absolute path', 'evil2', 'evil2/abs.txt', 'evil2//etc/abs.txt', /absolute/],
  ] as const) {
    it(`refuses a key with ${name} and writes nothing outside the staging dir`, async () => {
      // s3rver normalises such keys away, so the listing is rewritten to what real S3 would return.
      const rw = s3.rewriteListings(from, to);
      try {
        const o = await run({ command: touchRan(), input: { ref: 'In' } }, { In: { type: 'S3DataNode', directoryPath: `s3://in-bkt/${prefix}` } });
        assert.equal(o.status === 'FAILED' && o.errorId, 'UnsafeS3Key');
        assert.match(o.status === 'FAILED' ? o.errorMessage : '', /^In\.directoryPath: S3 key /);
        assert.match(o.status === 'FAILED' ? o.errorMessage : '', shown);
      } finally {
        rw.clear();
      }
      assert.equal(existsSync(join(dir, 'output', 'staging', 'escape.txt')), false);
      assert.equal(existsSync(join(dir, 'ran')), false);
      assert.deepEqual(stagingLeft(), []);
      assert.equal(s3.requests.filter((r) => r.method === 'GET' && /^\/[^/?]+\/[^?]/.test(r.url)).length, 0, 'nothing was downloaded');
    });
  }

  it('leaves nothing behind when the server goes away during staging', async () => {
    await s3.putObject('in-bkt', 'big/blob.bin', Buffer.alloc(1024 * 1024, 1));
    s3.cutNextDownloadAfter(64 * 1024);
    const o = await run({ command: touchRan(), input: { ref: 'In' } }, { In: { type: 'S3DataNode', filePath: 's3://in-bkt/big/blob.bin' } });
    assert.equal(o.status === 'FAILED' && o.errorId, 'S3Error');
    assert.equal(existsSync(join(dir, 'ran')), false);
    assert.deepEqual(stagingLeft(), []);
  });

  it('without stage the variables are not set and nothing is downloaded', async () => {
    const p = run({ stage: 'false', command: 'echo "[$INPUT1_STAGING_DIR]"', input: { ref: 'In' } }, { In: { type: 'S3DataNode', filePath: 's3://in-bkt/single/file.csv' } });
    assert.deepEqual(await p, { status: 'FINISHED' });
    assert.equal(readFileSync(p.ctx.paths.stdout, 'utf8'), '[]\n');
    assert.equal(s3.requests.length, 0);
  });
});
