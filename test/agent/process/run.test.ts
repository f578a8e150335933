/** runProcess with real child processes: exit status, output files, tails, spawn errors and group killing. */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Canceled } from '../../../agent/process/abort-reasons.js';
import { OutputFileError, SpawnError } from '../../../agent/process/errors.js';
import { processGone, readProcStat } from '../../../agent/process/proc.js';
import { runProcess } from '../../../agent/process/run.js';
import type { SpawnedChild } from '../../../agent/executors/executor.js';
import { outputWatcher, removeTempDirs, shOptions, tempDir } from './helpers.js';

describe('agent/process/run: runProcess', () => {
  after(removeTempDirs);

  for (const code of [0, 1, 3]) {
    it(`reports exit status ${code}`, async () => {
      const dir = tempDir();
      const r = await runProcess(shOptions(dir, `exit ${code}`, new AbortController().signal));
      assert.equal(r.exitCode, code);
      assert.equal(r.signal, null);
      assert.equal(r.aborted, false);
      assert.equal(r.groupGone, true);
    });
  }

  it('appends stdout and stderr to their files (parents created), tees to extra paths, and keeps the tails', async () => {
    const dir = tempDir();
    const tee = join(dir, 'user', 'deep', 'out.txt');
    writeFileSync(join(dir, 'existing.txt'), 'before\n');
    const o = shOptions(dir, 'echo to-out; echo to-err >&2', new AbortController().signal, {
      stdoutFiles: [join(dir, 'logs', 'a', 'StdOutput'), tee, join(dir, 'existing.txt')],
      stderrFiles: [join(dir, 'logs', 'a', 'StdError')],
    });
    const r = await runProcess(o);
    assert.equal(readFileSync(join(dir, 'logs', 'a', 'StdOutput'), 'utf8'), 'to-out\n');
    assert.equal(readFileSync(tee, 'utf8'), 'to-out\n');
    assert.equal(readFileSync(join(dir, 'existing.txt'), 'utf8'), 'before\nto-out\n');
    assert.equal(readFileSync(join(dir, 'logs', 'a', 'StdError'), 'utf8'), 'to-err\n');
    assert.deepEqual(r.stdout, { tail: 'to-out\n', bytes: 7, truncated: false });
    assert.equal(r.stderr.tail, 'to-err\n');
    // A second run appends.
    await runProcess(o);
    assert.equal(readFileSync(tee, 'utf8'), 'to-out\nto-out\n');
  });

  it('keeps running and reports it when an output file fails while writing (disk full)', async function () {
    if (!existsSync('/dev/full')) this.skip();
    const dir = tempDir();
    const r = await runProcess(
      shOptions(dir, 'head -c 200000 /dev/zero; echo done >&2', new AbortController().signal, { stdoutFiles: [join(dir, 'StdOutput'), '/dev/full'] }),
    );
    assert.equal(r.exitCode, 0);
    assert.equal(statSync(join(dir, 'StdOutput')).size, 200000);
    assert.equal(r.outputErrors.length, 1);
    assert.match(r.outputErrors[0], /^\/dev\/full: .*ENOSPC/);
  });

  it('streams 50 MB of output to the file and keeps only the last 4 KB', async () => {
    const dir = tempDir();
    const size = 50 * 1024 * 1024;
    const r = await runProcess(shOptions(dir, `head -c ${size} /dev/zero | tr '\\0' x; printf END`, new AbortController().signal));
    assert.equal(r.exitCode, 0);
    assert.equal(statSync(join(dir, 'StdOutput')).size, size + 3);
    assert.equal(r.stdout.bytes, size + 3);
    assert.equal(r.stdout.truncated, true);
    assert.equal(r.stdout.tail.length, 4096);
    assert.ok(r.stdout.tail.endsWith('xxxEND'));
  });

  it('calls onSpawn synchronously with the pid and its /proc start time', async () => {
    const dir = tempDir();
    let seen: (SpawnedChild & { stat?: ReturnType<typeof readProcStat> }) | undefined;
    const r = await runProcess(
      shOptions(dir, 'echo hi', new AbortController().signal, {
        onSpawn: (c) => {
          seen = { ...c, stat: readProcStat(c.pid) };
        },
      }),
    );
    assert.ok(seen);
    assert.equal(seen.pid, r.pid);
    assert.equal(typeof seen.startTicks, 'number');
    assert.equal(seen.startTicks, seen.stat?.startTicks);
    // Its own process group: it is the leader.
    assert.equal(seen.stat?.pgrp, seen.pid);
  });

  it('on abort kills the whole group, grandchildren included, before it resolves', async () => {
    const dir = tempDir();
    const ac = new AbortController();
    const w = outputWatcher();
    const run = runProcess(shOptions(dir, 'sleep 1000 & echo "bg $!"; sleep 1000 & echo "fg $!"; wait', ac.signal, { onOutput: w.onOutput }));
    const bg = Number((await w.until(/bg (\d+)/))[1]);
    const fg = Number((await w.until(/fg (\d+)/))[1]);
    assert.equal(processGone(bg), false, 'the grandchild runs before the abort');
    const reason = new Canceled();
    ac.abort(reason);
    const r = await run;
    assert.equal(r.aborted, true);
    assert.equal(r.abortReason, reason);
    assert.equal(r.signal, 'SIGTERM');
    assert.equal(r.escalated, false);
    assert.equal(r.groupGone, true);
    assert.ok(processGone(bg), `grandchild ${bg} survived`);
    assert.ok(processGone(fg), `grandchild ${fg} survived`);
  });

  it('SIGKILLs a group that ignores SIGTERM once the grace is over', async () => {
    const dir = tempDir();
    const ac = new AbortController();
    const w = outputWatcher();
    // trap '' sets SIG_IGN, which the sleep inherits: nothing in the group reacts to SIGTERM.
    const run = runProcess(shOptions(dir, `trap '' TERM; sleep 1000 & echo "ready $!"; wait`, ac.signal, { onOutput: w.onOutput, killGraceMs: 100 }));
    const sleeper = Number((await w.until(/ready (\d+)/))[1]);
    ac.abort(new Canceled());
    const r = await run;
    assert.equal(r.aborted, true);
    assert.equal(r.escalated, true);
    assert.equal(r.signal, 'SIGKILL');
    assert.ok(processGone(sleeper));
  });

  it('waits for a grandchild that ignores SIGTERM and holds no pipe, and SIGKILLs it after the grace', async () => {
    const dir = tempDir();
    const ac = new AbortController();
    const w = outputWatcher();
    // The shell dies on SIGTERM; the grandchild ignores it (SIG_IGN survives exec) and says so only once that
    // holds, then closes its output, so only the group poll can see it.
    const script = `(trap '' TERM; exec sh -c 'echo "bg $$"; exec sleep 1000 >/dev/null') 2>/dev/null </dev/null & wait`;
    const run = runProcess(shOptions(dir, script, ac.signal, { onOutput: w.onOutput, killGraceMs: 100 }));
    const bg = Number((await w.until(/bg (\d+)/))[1]);
    ac.abort(new Canceled());
    const r = await run;
    assert.equal(r.signal, 'SIGTERM', 'the shell itself obeyed SIGTERM');
    assert.equal(r.escalated, true, 'the group outlived the shell, so SIGKILL was needed');
    assert.ok(processGone(bg), `grandchild ${bg} survived`);
  });

  it('kills background processes that outlive a command which exited on its own', async () => {
    const dir = tempDir();
    const w = outputWatcher();
    const r = await runProcess(shOptions(dir, 'sleep 1000 & echo "bg $!"; exit 0', new AbortController().signal, { onOutput: w.onOutput }));
    const bg = Number((await w.until(/bg (\d+)/))[1]);
    assert.equal(r.exitCode, 0);
    assert.equal(r.aborted, false);
    assert.equal(r.leftoversKilled, true);
    assert.ok(processGone(bg));
  });

  it('starts nothing when the signal has already fired', async () => {
    const dir = tempDir();
    const ac = new AbortController();
    ac.abort(new Canceled());
    let spawned = false;
    const r = await runProcess(shOptions(dir, 'echo no', ac.signal, { onSpawn: () => (spawned = true) }));
    assert.equal(spawned, false);
    assert.equal(r.pid, undefined);
    assert.equal(r.aborted, true);
  });

  it('throws SpawnError ExecutableNotFound / ExecutableNotPermitted / WorkingDirectoryNotFound', async () => {
    const dir = tempDir();
    const signal = new AbortController().signal;
    await assert.rejects(runProcess({ ...shOptions(dir, '', signal), file: join(dir, 'no-such-shell') }), (e: unknown) => {
      assert.ok(e instanceof SpawnError);
      assert.equal(e.code, 'ExecutableNotFound');
      assert.equal(e.errno, 'ENOENT');
      return true;
    });
    const notExec = join(dir, 'not-exec');
    writeFileSync(notExec, 'echo hi\n');
    chmodSync(notExec, 0o644);
    await assert.rejects(runProcess({ ...shOptions(dir, '', signal), file: notExec }), { name: 'SpawnError', code: 'ExecutableNotPermitted' });
    await assert.rejects(runProcess({ ...shOptions(dir, 'true', signal), cwd: join(dir, 'gone') }), { name: 'SpawnError', code: 'WorkingDirectoryNotFound' });
  });

  it('throws OutputFileError before starting anything when an output file cannot be opened', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a-file'), '');
    let spawned = false;
    const o = shOptions(dir, 'echo x', new AbortController().signal, {
      stderrFiles: [join(dir, 'a-file', 'StdError')],
      onSpawn: () => (spawned = true),
    });
    await assert.rejects(runProcess(o), (e: unknown) => e instanceof OutputFileError && e.path === join(dir, 'a-file', 'StdError'));
    assert.equal(spawned, false);
  });
});
