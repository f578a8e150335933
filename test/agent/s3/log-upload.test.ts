import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { startRunnerLogUpload, uploadAttemptLogs } from '../../../agent/logs/upload.js';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';
import { ATTEMPT, recordingLogger as quietLogger, s3Context } from './context.js';

describe('log upload to S3 (pipelineLogUri, --logUri)', () => {
  let s3: TestS3;
  let dir: string;
  before(async () => {
    s3 = await startTestS3();
    await s3.createBucket('log-bkt');
  });
  after(async () => s3.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dp-logup-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('puts StdOutput and StdError under <pipelineLogUri>/<pipelineId>/<componentId>/<instanceId>/<attemptId>/', async () => {
    const ctx = s3Context(dir, s3.resources(), { pipelineLogUri: 's3://log-bkt/pl-logs/', '@componentParent': 'Act', '@instanceParent': '@Act_2026-11-23T00:00:00' });
    mkdirSync(ctx.paths.logDir, { recursive: true });
    writeFileSync(ctx.paths.stdout, 'out\n');
    writeFileSync(ctx.paths.stderr, 'err\n');
    const lines: string[] = [];
    await uploadAttemptLogs({ resources: ctx.resources, task: ctx.task, paths: ctx.paths, log: quietLogger(lines) });
    const prefix = `pl-logs/df-S3TEST/Act/@Act_2026-11-23T00:00:00/${ATTEMPT}`;
    assert.deepEqual(await s3.listKeys('log-bkt', 'pl-logs/'), [`${prefix}/StdError`, `${prefix}/StdOutput`]);
    assert.equal((await s3.getObject('log-bkt', `${prefix}/StdOutput`)).toString(), 'out\n');
  });

  it('a failed upload is logged, never thrown', async () => {
    const ctx = s3Context(dir, s3.resources(), { pipelineLogUri: 's3://no-such-bkt/x' });
    mkdirSync(ctx.paths.logDir, { recursive: true });
    writeFileSync(ctx.paths.stdout, 'out\n');
    const lines: string[] = [];
    await uploadAttemptLogs({ resources: ctx.resources, task: ctx.task, paths: ctx.paths, log: quietLogger(lines) });
    assert.ok(lines.some((l) => /^warn: uploading the attempt's logs to s3:\/\/no-such-bkt\/x\/.* failed/.test(l)), lines.join('\n'));
  });

  it('--logUri: rotated files gzipped under <logUri>/<taskrunnerId>/, each once; the current file at stop', async () => {
    const logDir = join(dir, 'logs');
    mkdirSync(logDir);
    writeFileSync(join(logDir, 'TaskRunner.log.2026-11-23-10'), 'hour ten\n');
    writeFileSync(join(logDir, 'TaskRunner.log.2026-11-23-01.gz'), gzipSync('hour one\n'));
    writeFileSync(join(logDir, 'TaskRunner.log'), 'current\n');
    writeFileSync(join(logDir, 'unrelated.txt'), 'no');
    const resources = s3.resources();
    const push = startRunnerLogUpload({ logUri: 's3://log-bkt/runner', logDir, taskrunnerId: 'tr-1', resources, log: quietLogger(), intervalMs: 0 });
    await push.pushNow();
    assert.deepEqual(await s3.listKeys('log-bkt', 'runner/'), ['runner/tr-1/TaskRunner.log.2026-11-23-01.gz', 'runner/tr-1/TaskRunner.log.2026-11-23-10.gz']);
    assert.equal(gunzipSync(await s3.getObject('log-bkt', 'runner/tr-1/TaskRunner.log.2026-11-23-10.gz')).toString(), 'hour ten\n');
    s3.requests.length = 0;
    await push.pushNow();
    assert.equal(s3.requests.length, 0, 'nothing is pushed twice');
    // A restart remembers what was pushed.
    const again = startRunnerLogUpload({ logUri: 's3://log-bkt/runner', logDir, taskrunnerId: 'tr-1', resources, log: quietLogger(), intervalMs: 0 });
    await again.stop();
    assert.ok(s3.requests.every((r) => !r.url.includes('2026-11-23')), 'rotated files not pushed again');
    assert.equal(gunzipSync(await s3.getObject('log-bkt', 'runner/tr-1/TaskRunner.log.gz')).toString(), 'current\n');
  });
});
