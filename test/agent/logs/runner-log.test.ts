import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { createRedactor } from '../../../agent/logs/redact.js';
import { createRunnerLogger, log4jTime, rotatedName } from '../../../agent/logs/runner-log.js';
import type { RunnerLog, RunnerLogOptions } from '../../../agent/logs/runner-log.js';

const T0 = Date.UTC(2026, 10, 23, 10, 15, 0, 7); // 23 Nov 2026 10:15:00,007 UTC
const HOUR = 3_600_000;
/** One event-loop turn: winston hands lines to transports through streams. */
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('agent logs: runner log', () => {
  let dir: string;
  let now: number;
  let stdout: PassThrough;
  let printed: string;
  let log: RunnerLog | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tr-log-'));
    now = T0;
    stdout = new PassThrough();
    printed = '';
    stdout.on('data', (d: Buffer) => (printed += d.toString()));
  });
  afterEach(async () => {
    await log?.close();
    log = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const open = (o: Partial<RunnerLogOptions> = {}): RunnerLog => {
    log = createRunnerLogger({ outputDir: dir, workerGroup: 'wg-1', now: () => now, stdout, checkEveryMs: 0, ...o });
    return log;
  };
  const logs = (): string => join(dir, 'logs');
  const read = (name = 'TaskRunner.log'): string => readFileSync(join(logs(), name), 'utf8');

  it('writes jar-style lines to output/logs/TaskRunner.log and to stdout', async () => {
    const { logger } = open();
    logger.child({ slot: 1, pipelineId: 'df-04614723BBKXA2LQL637', logger: 'amazonaws.datapipeline.taskrunner.TaskPoller' }).info('Polling for tasks');
    logger.warn('no slot, no pipeline');
    await turn();
    const lines = read().trimEnd().split('\n');
    assert.deepEqual(lines, [
      '23 Nov 2026 10:15:00,007 [INFO] (TaskRunnerService-wg-1-1) df-04614723BBKXA2LQL637 amazonaws.datapipeline.taskrunner.TaskPoller: Polling for tasks',
      '23 Nov 2026 10:15:00,007 [WARN] (main) - amazonaws.datapipeline.taskrunner.TaskRunnerService: no slot, no pipeline',
    ]);
    assert.equal(printed, `${lines.join('\n')}\n`);
  });

  it('formats for journald with priority prefixes and no timestamp', async () => {
    const { logger } = open({ journald: true });
    logger.error('boom', { code: 7 });
    await turn();
    assert.equal(printed, '<3>[ERROR] (main) - amazonaws.datapipeline.taskrunner.TaskRunnerService: boom {"code":7}\n');
    assert.match(read(), /^23 Nov 2026 10:15:00,007 \[ERROR\]/);
  });

  it('appends error stacks', async () => {
    const { logger } = open();
    logger.error('poll failed', new Error('socket hang up'));
    await turn();
    assert.match(read(), /\[ERROR\] \(main\) - \S+: poll failed socket hang up\nError: socket hang up\n\s+at /);
  });

  it('rotates every UTC hour to TaskRunner.log.YYYY-MM-DD-HH and gzips files 8 hours after their hour', async () => {
    const { logger, rotateNow } = open();
    logger.info('line at 10:15');
    await turn();
    now = T0 + HOUR; // 11:15
    logger.info('line at 11:15');
    await turn();
    assert.equal(read(rotatedName(T0)), `${log4jTime(T0)} [INFO] (main) - amazonaws.datapipeline.taskrunner.TaskRunnerService: line at 10:15\n`);
    assert.equal(rotatedName(T0), 'TaskRunner.log.2026-11-23-10');
    assert.match(read(), /line at 11:15\n$/);
    assert.ok(!read().includes('10:15'));

    now = Date.UTC(2026, 10, 23, 18, 59, 59, 999); // the 10:00 hour ended 7:59:59.999 ago
    await rotateNow();
    assert.deepEqual(readdirSync(logs()).sort(), ['TaskRunner.log', 'TaskRunner.log.2026-11-23-10', 'TaskRunner.log.2026-11-23-11']);
    now = Date.UTC(2026, 10, 23, 19, 0, 0, 1);
    await rotateNow();
    assert.deepEqual(readdirSync(logs()).sort(), ['TaskRunner.log', 'TaskRunner.log.2026-11-23-10.gz', 'TaskRunner.log.2026-11-23-11']);
    assert.match(gunzipSync(readFileSync(join(logs(), 'TaskRunner.log.2026-11-23-10.gz'))).toString(), /line at 10:15\n$/);
    // An hour with no lines leaves no rotated file; the empty current file stays.
    now = Date.UTC(2026, 10, 24, 9, 0, 0);
    await rotateNow();
    assert.deepEqual(readdirSync(logs()).sort(), ['TaskRunner.log', 'TaskRunner.log.2026-11-23-10.gz', 'TaskRunner.log.2026-11-23-11.gz']);
    assert.equal(read(), '');
  });

  it('after a restart, rotates a leftover file by the hour it was last written, never overwriting', async () => {
    mkdirSync(logs(), { recursive: true });
    writeFileSync(join(logs(), 'TaskRunner.log'), 'old run\n');
    const lastWrite = new Date(T0 - 2 * HOUR); // 08:15
    utimesSync(join(logs(), 'TaskRunner.log'), lastWrite, lastWrite);
    writeFileSync(join(logs(), 'TaskRunner.log.2026-11-23-08'), 'earlier file of that hour\n');
    const { logger } = open();
    logger.info('new run');
    await turn();
    assert.equal(read('TaskRunner.log.2026-11-23-08'), 'earlier file of that hour\n');
    assert.equal(read('TaskRunner.log.2026-11-23-08.1'), 'old run\n');
    assert.match(read(), /new run\n$/);
  });

  it('never writes a secret: configured keys, *password values, Authorization headers', async () => {
    const secretKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const { logger } = open({ redactor: createRedactor([secretKey, 'proxy-pw-42']) });
    const task = logger.child({ slot: 0, pipelineId: 'df-1' });
    task.info(`starting with key ${secretKey}`);
    task.info('task fields', { fields: [{ key: '*password', stringValue: 'db-Pa55-word' }] });
    task.info('running psql with db-Pa55-word in its command line');
    task.warn('request failed: Authorization: AWS4-HMAC-SHA256 Credential=AKIDX/20261123/us-east-1/datapipeline/aws4_request, Signature=deadbeefdeadbeefdeadbeef');
    task.error(new Error('proxy http://u:proxy-pw-42@proxy:3128 refused'));
    await turn();
    const file = read();
    for (const out of [file, printed]) {
      for (const s of [secretKey, 'db-Pa55-word', 'proxy-pw-42', 'deadbeefdeadbeef', 'Credential=AKIDX']) assert.ok(!out.includes(s), `${s} leaked:\n${out}`);
    }
    assert.equal(file.trimEnd().split('\n').filter((l) => l.includes('***')).length >= 5, true, file);
  });

  it('close() ends the file; nothing is left open or timed', async () => {
    const l = open({ checkEveryMs: 60_000 });
    l.logger.info('last line');
    await l.close();
    log = undefined;
    assert.match(read(), /last line\n$/);
    assert.ok(existsSync(l.path));
  });
});
