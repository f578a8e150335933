/** Shared bits for the process tests: temp dirs, fast timings, and waiting for output (an event, not a sleep). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunOptions, RunTiming } from '../../../agent/process/run.js';

export const FAST: RunTiming = { groupPollMs: 5, groupGoneTimeoutMs: 3_000, drainTimeoutMs: 1_000 };

const dirs: string[] = [];

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tr-proc-'));
  dirs.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Options for `sh -c <script>` with output into `dir`. */
export function shOptions(dir: string, script: string, signal: AbortSignal, extra: Partial<RunOptions> = {}): RunOptions {
  return {
    file: '/bin/sh',
    args: ['-c', script],
    env: { PATH: process.env.PATH },
    stdoutFiles: [join(dir, 'StdOutput')],
    stderrFiles: [join(dir, 'StdError')],
    signal,
    killGraceMs: 2_000,
    timing: FAST,
    ...extra,
  };
}

/**
 * Collects stdout through onOutput and resolves `until(pattern)` once the text matches, so a test acts on
 * what the child reported (e.g. "ready", a pid) instead of guessing with a sleep.
 */
export function outputWatcher(): { onOutput: RunOptions['onOutput']; until: (re: RegExp) => Promise<RegExpMatchArray> } {
  let text = '';
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = text.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  return {
    onOutput: (stream, chunk) => {
      if (stream !== 'stdout') return;
      text += chunk.toString('utf8');
      check();
    },
    until: (re) =>
      new Promise((resolve) => {
        waiters.push({ re, resolve });
        check();
      }),
  };
}
