import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TaskFailure } from '../../../agent/executors/executor.js';
import { safeLocalPath } from '../../../agent/s3/local-path.js';
import { progressLog } from '../../../agent/s3/progress.js';
import type { ProgressTimer } from '../../../agent/s3/progress.js';
import { dirPrefix, joinKey, parseS3Uri, S3UriError } from '../../../agent/s3/uri.js';

describe('agent/s3 helpers', () => {
  it('parseS3Uri: bucket and key, with a clear error naming a bad URI', () => {
    assert.deepEqual(parseS3Uri('s3://bkt/a/b.txt'), { bucket: 'bkt', key: 'a/b.txt' });
    assert.deepEqual(parseS3Uri(' s3://bkt '), { bucket: 'bkt', key: '' });
    assert.deepEqual(parseS3Uri('s3n://bkt//x'), { bucket: 'bkt', key: 'x' });
    for (const bad of ['bkt/key', 'https://bkt/k', 's3://', 's3:///k', 's3://b/k\0']) {
      assert.throws(() => parseS3Uri(bad), (e: unknown) => e instanceof S3UriError && e.code === 'InvalidS3Uri' && e.message.includes(JSON.stringify(bad)), bad);
    }
  });

  it('joinKey never makes // and dirPrefix ends with one /', () => {
    assert.equal(joinKey('out/', '/x.txt'), 'out/x.txt');
    assert.equal(joinKey('', 'x.txt'), 'x.txt');
    assert.equal(joinKey('a//', 'b/', 'c'), 'a/b/c');
    assert.equal(dirPrefix('a/b//'), 'a/b/');
    assert.equal(dirPrefix(''), '');
  });

  it('safeLocalPath keeps every key inside the directory', () => {
    assert.equal(safeLocalPath('/stage', 'a/b.txt'), join('/stage', 'a', 'b.txt'));
    assert.equal(safeLocalPath('/stage', 'a//./b.txt'), join('/stage', 'a', 'b.txt'));
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a\0b', 'a\\..\\..\\x', 'dir/', '']) {
      assert.throws(() => safeLocalPath('/stage', bad), (e: unknown) => e instanceof TaskFailure && e.errorId === 'UnsafeS3Key', JSON.stringify(bad));
    }
  });

  it('progressLog: a line per interval with bytes, rate and time left, nothing when idle', () => {
    let now = 0;
    let tick: () => void = () => undefined;
    let stopped = false;
    const timer: ProgressTimer = {
      every(_ms, fn) {
        tick = fn;
        return () => {
          stopped = true;
        };
      },
      now: () => now,
    };
    const lines: string[] = [];
    const p = progressLog((l) => lines.push(l), 'Staging input 1', { timer });
    now = 5_000;
    p.update(10 * 1024 * 1024, 40 * 1024 * 1024);
    tick();
    tick(); // no progress since: no line
    assert.deepEqual(lines, ['Staging input 1: 10.0 MiB of 40.0 MiB (25%) at 2.0 MiB/s, about 15 s left']);
    now = 20_000;
    p.update(40 * 1024 * 1024);
    p.done();
    assert.equal(stopped, true);
    assert.equal(lines[1], 'Staging input 1: 40.0 MiB of 40.0 MiB (100%) at 2.0 MiB/s');
  });
});
