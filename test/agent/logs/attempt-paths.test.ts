import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { TaskView } from '../../../agent/objects.js';
import { attemptPaths, commandScriptPath, createAttemptDirs, safeSegment } from '../../../agent/logs/attempt-paths.js';

function task(pipelineId: string, attemptId: string, component?: string, instance?: string): TaskView {
  const fields = [
    ...(component ? [{ key: '@componentParent', refValue: component }] : []),
    ...(instance ? [{ key: '@instanceParent', refValue: instance }] : []),
  ];
  return new TaskView({ taskId: 't-1', pipelineId, attemptId, objects: { [attemptId]: { id: attemptId, name: attemptId, fields } } });
}

describe('agent logs: attempt paths', () => {
  const out = '/srv/tr/output';

  it('lays out logs and tmp like the jar (taskrunner.md 1.6 real example)', () => {
    const attempt = '@ShellCommandActivityObj_2017-08-13T14:20:27_Attempt=1';
    const p = attemptPaths(out, task('df-04614723BBKXA2LQL637', attempt, 'ShellCommandActivityObj', '@ShellCommandActivityObj_2017-08-13T14:20:27'), 'c308dd0d-303c-4262-a077-79d12ed232c1');
    const logDir = '/srv/tr/output/logs/df-04614723BBKXA2LQL637/ShellCommandActivityObj/@ShellCommandActivityObj_2017-08-13T14:20:27/@ShellCommandActivityObj_2017-08-13T14:20:27_Attempt=1';
    assert.deepEqual(p, {
      logDir,
      stdout: `${logDir}/StdOutput`,
      stderr: `${logDir}/StdError`,
      tmpDir: '/srv/tr/output/tmp/df-04614723BBKXA2LQL637-c308dd0d303c4262a07779d12ed232c1',
      stagingRoot: '/srv/tr/output/staging',
      outputDir: out,
    });
    assert.equal(commandScriptPath(p, attempt), `${p.tmpDir}/ShellCommandActivityObj20170813T142027Attempt1_command.sh`);
  });

  it('falls back to the ids encoded in the attempt id, and makes a fresh 32-hex tmp dir per attempt', () => {
    const t = task('df-1', '@Act_2026-11-23T10:00:00_Attempt=2');
    const a = attemptPaths(out, t);
    const b = attemptPaths(out, t);
    assert.equal(a.logDir, '/srv/tr/output/logs/df-1/Act/@Act_2026-11-23T10:00:00/@Act_2026-11-23T10:00:00_Attempt=2');
    assert.match(basename(a.tmpDir), /^df-1-[0-9a-f]{32}$/);
    assert.notEqual(a.tmpDir, b.tmpDir);
  });

  it('keeps hostile ids inside the output directory', () => {
    const hostile = ['../../etc', '..', '.', 'a/../../b', 'x\0y', '', '/abs', '%2F'];
    for (const id of hostile) {
      const p = attemptPaths(out, task(id, id || '@x', id, id));
      for (const path of [p.logDir, p.stdout, p.tmpDir]) {
        const rel = relative(out, path);
        assert.ok(!rel.startsWith('..') && !rel.includes('\0'), `${JSON.stringify(id)} -> ${path}`);
      }
      assert.equal(relative(join(out, 'logs'), p.logDir).split('/').length, 4, `${JSON.stringify(id)}: four levels under logs/`);
    }
    assert.equal(safeSegment('a/b'), 'a%2Fb');
    assert.equal(safeSegment('..'), '%2E%2E');
    assert.equal(safeSegment('a..b'), 'a..b');
    assert.notEqual(safeSegment('a/b'), safeSegment('a%2Fb'));
  });

  it('shortens ids too long for a file name, keeping them distinct', () => {
    const long1 = `@${'é'.repeat(300)}_Attempt=1`;
    const long2 = `@${'é'.repeat(300)}_Attempt=2`;
    const s1 = safeSegment(long1);
    assert.ok(Buffer.byteLength(s1) <= 255);
    assert.ok(s1.startsWith('@éé'));
    assert.notEqual(s1, safeSegment(long2));
  });

  it('createAttemptDirs makes the log and tmp directories', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tr-paths-'));
    try {
      const p = attemptPaths(dir, task('df-2', '@A_2026-11-23T10:00:00_Attempt=1'));
      await createAttemptDirs(p);
      assert.ok(statSync(p.logDir).isDirectory() && statSync(p.tmpDir).isDirectory());
      assert.ok(!existsSync(p.stdout));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
