/** ShellCommandActivity and ShellCommandPrecondition end to end with real shells. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Outcome } from '../../../agent/executors/executor.js';
import { createShellCommandActivity } from '../../../agent/executors/shell-command-activity.js';
import { createShellCommandPrecondition } from '../../../agent/executors/shell-command-precondition.js';
import { AttemptTimeout, Canceled, ShuttingDown } from '../../../agent/process/abort-reasons.js';
import { processGone } from '../../../agent/process/proc.js';
import { FAST, removeTempDirs, tempDir } from '../process/helpers.js';
import { testContext } from './context.js';

const activity = createShellCommandActivity({ timing: FAST });
const precondition = createShellCommandPrecondition({ timing: FAST });

function failed(o: Outcome): Extract<Outcome, { status: 'FAILED' }> {
  assert.equal(o.status, 'FAILED', JSON.stringify(o));
  const f = o as Extract<Outcome, { status: 'FAILED' }>;
  assert.ok(!f.errorId.startsWith('Service_'));
  assert.ok((f.errorStackTrace ?? '').length <= 1024);
  return f;
}

/** Resolves with the pid a command printed as "pid <n>" into its StdOutput: polls the file the child writes. */
async function printedPid(path: string): Promise<number> {
  for (;;) {
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      // not created yet
    }
    const m = text.match(/pid (\d+)/);
    if (m) return Number(m[1]);
    await new Promise((r) => setTimeout(r, 2)); // a poll of the file the child writes, not a wait for time to pass
  }
}

describe('agent/executors ShellCommandActivity / ShellCommandPrecondition', () => {
  after(removeTempDirs);

  it('FINISHED on exit 0, with the attempt files written, args as $1/$2 and ctx.env passed', async () => {
    const dir = tempDir();
    const ctx = testContext(dir, { type: 'ShellCommandActivity', command: 'echo "$1|$2|$MY_VAR"; echo warn >&2', scriptArgument: ['a b', 'c"d'] }, { env: { PATH: process.env.PATH, MY_VAR: 'v' } });
    assert.deepEqual(await activity.execute(ctx), { status: 'FINISHED' });
    assert.equal(readFileSync(ctx.paths.stdout, 'utf8'), 'a b|c"d|v\n');
    assert.equal(readFileSync(ctx.paths.stderr, 'utf8'), 'warn\n');
    assert.equal(ctx.spawned.length, 1);
    assert.equal(typeof ctx.spawned[0].startTicks, 'number');
  });

  it('FAILED NonZeroExit naming the status and the last stderr lines; stack trace capped at 1024', async () => {
    const dir = tempDir();
    const command = 'for i in $(seq 1 300); do echo "line $i of stdout"; done; echo first >&2; echo "boom: disk on fire" >&2; exit 3';
    const f = failed(await activity.execute(testContext(dir, { type: 'ShellCommandActivity', command })));
    assert.equal(f.errorId, 'NonZeroExit');
    assert.equal(f.errorMessage, 'Command exited with status 3: first\nboom: disk on fire');
    assert.match(f.errorStackTrace ?? '', /StdError \(25 bytes\)/);
    assert.match(f.errorStackTrace ?? '', /line 300 of stdout$/);
    assert.equal(f.errorStackTrace?.length, 1024);
  });

  it('FAILED KilledBySignal when the command dies of a signal nobody sent on purpose', async () => {
    const f = failed(await activity.execute(testContext(tempDir(), { type: 'ShellCommandActivity', command: 'kill -KILL $$' })));
    assert.equal(f.errorId, 'KilledBySignal');
    assert.match(f.errorMessage, /^Command was killed by signal SIGKILL \(nothing on stderr\)$/);
  });

  // s3:// stdout/stderr and scriptUri are tested against s3rver in test/agent/s3/preconditions.test.ts.
  it('tees stdout/stderr to the user paths (plain and file://)', async () => {
    const dir = tempDir();
    const out = join(dir, 'user', 'out.txt');
    const err = join(dir, 'user', 'err.txt');
    const ctx = testContext(dir, { type: 'ShellCommandActivity', command: 'echo o; echo e >&2', stdout: out, stderr: pathToFileURL(err).href });
    assert.deepEqual(await activity.execute(ctx), { status: 'FINISHED' });
    assert.equal(readFileSync(out, 'utf8'), 'o\n');
    assert.equal(readFileSync(err, 'utf8'), 'e\n');
    assert.equal(readFileSync(ctx.paths.stdout, 'utf8'), 'o\n');
  });

  it('FAILED before running anything when the command is missing or a user path cannot be opened', async () => {
    const dir = tempDir();
    const ctx = testContext(dir, { type: 'ShellCommandActivity' });
    assert.equal(failed(await activity.execute(ctx)).errorId, 'InvalidShellCommand');
    const bad = testContext(dir, { type: 'ShellCommandActivity', command: 'echo x', stdout: '/proc/no/such/out' });
    assert.equal(failed(await activity.execute(bad)).errorId, 'OutputFileError');
    assert.equal(bad.spawned.length, 0);
    const badUri = testContext(dir, { type: 'ShellCommandActivity', command: 'echo x', stderr: 'file://otherhost/x' });
    assert.equal(failed(await activity.execute(badUri)).errorId, 'InvalidOutputPath');
  });

  it('FAILED OutputWriteFailed when the command succeeded but its output could not all be written', async function () {
    if (!existsSync('/dev/full')) this.skip();
    const f = failed(await activity.execute(testContext(tempDir(), { type: 'ShellCommandActivity', command: 'echo data', stdout: '/dev/full' })));
    assert.equal(f.errorId, 'OutputWriteFailed');
    assert.match(f.errorMessage, /\/dev\/full: .*ENOSPC/);
  });

  it('precondition: exit 0 is FINISHED (met), non-zero is FALSE (not met) with the reason', async () => {
    const dir = tempDir();
    assert.deepEqual(await precondition.execute(testContext(dir, { type: 'ShellCommandPrecondition', command: 'test -d /' })), { status: 'FINISHED' });
    const o = await precondition.execute(testContext(dir, { type: 'ShellCommandPrecondition', command: 'echo "no file yet" >&2; exit 1' }));
    assert.deepEqual(o, { status: 'FALSE', message: 'Precondition not met: command exited with status 1: no file yet' });
  });

  const aborts = [
    { reason: new AttemptTimeout('attemptTimeout of 1 hour reached'), errorId: 'AttemptTimeout', text: /^The attempt timed out \(attemptTimeout of 1 hour reached\); the command's process group was killed$/ },
    { reason: new ShuttingDown(), errorId: 'TaskRunnerShutdown', text: /shut down/ },
    { reason: new Canceled(), errorId: 'Canceled', text: /canceled/ },
  ];
  for (const a of aborts) {
    it(`aborted by ${a.reason.code}: FAILED ${a.errorId}, and the whole group is dead`, async () => {
      const dir = tempDir();
      const ctx = testContext(dir, { type: 'ShellCommandActivity', command: 'sleep 1000 & echo "pid $!"; wait' });
      const running = activity.execute(ctx);
      const pid = await printedPid(ctx.paths.stdout);
      ctx.controller.abort(a.reason);
      const f = failed(await running);
      assert.equal(f.errorId, a.errorId);
      assert.match(f.errorMessage, a.text);
      assert.ok(processGone(pid), `background process ${pid} survived`);
      assert.ok(processGone(ctx.spawned[0].pid));
    });
  }

  it('a precondition aborted by attemptTimeout is FAILED AttemptTimeout, not FALSE', async () => {
    const dir = tempDir();
    const ctx = testContext(dir, { type: 'ShellCommandPrecondition', command: 'echo "pid $$"; sleep 1000' });
    const running = precondition.execute(ctx);
    await printedPid(ctx.paths.stdout);
    ctx.controller.abort(new AttemptTimeout());
    assert.equal(failed(await running).errorId, 'AttemptTimeout');
  });
});
