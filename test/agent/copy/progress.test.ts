/** CopyProgress: a line per interval while something moves, driven by a manual timer (no waiting). */
import assert from 'node:assert/strict';
import { CopyProgress } from '../../../agent/copy/progress.js';
import type { ProgressTimer } from '../../../agent/s3/progress.js';

function manualTimer(): ProgressTimer & { tick(ms: number): void; stopped: boolean } {
  let now = 1_000_000;
  let fn: (() => void) | undefined;
  const t = {
    stopped: false,
    every(_ms: number, f: () => void) {
      fn = f;
      return () => {
        t.stopped = true;
        fn = undefined;
      };
    },
    now: () => now,
    tick(ms: number) {
      now += ms;
      fn?.();
    },
  };
  return t;
}

describe('agent/copy progress lines', () => {
  it('logs bytes, total, records and rates each interval, nothing when idle, a last line at the end', () => {
    const timer = manualTimer();
    const lines: string[] = [];
    const p = new CopyProgress((l) => lines.push(l), 'copy In -> Out', { timer, progressIntervalMs: 5_000 });
    p.total = 40 * 1024 * 1024;
    p.bytes = 10 * 1024 * 1024;
    p.records = 100_000;
    timer.tick(5_000);
    assert.deepEqual(lines, ['copy In -> Out: 0 objects, 10.0 MiB of 40.0 MiB (25%), 100000 records, 2.0 MiB/s, 20000 records/s']);
    timer.tick(5_000);
    assert.equal(lines.length, 1, 'no line when nothing moved');
    p.bytes = 40 * 1024 * 1024;
    p.objects = 1;
    p.records = 400_000;
    p.done();
    assert.ok(timer.stopped);
    assert.equal(lines[1], 'copy In -> Out: 1 object, 40.0 MiB of 40.0 MiB (100%), 400000 records, 4.0 MiB/s, 40000 records/s');
  });

  it('a short copy that never logged stays silent at the end', () => {
    const timer = manualTimer();
    const lines: string[] = [];
    const p = new CopyProgress((l) => lines.push(l), 'copy', { timer });
    p.bytes = 5;
    p.done();
    assert.deepEqual(lines, []);
    assert.ok(timer.stopped);
  });
});
