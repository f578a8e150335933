import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { PartBufferPool } from '../../../agent/s3/part-buffers.js';
import { WRITE_BATCH, writeRange } from '../../../agent/s3/range-writer.js';

/** Chunks of `data` in varied sizes (1 byte to 100 KiB), as a socket might deliver them. */
function* chunks(data: Buffer): Generator<Buffer> {
  const sizes = [1, 7, 65_536, 100 * 1024, 3, 16_384, 40_000];
  for (let off = 0, i = 0; off < data.length; i++) {
    const n = Math.min(sizes[i % sizes.length], data.length - off);
    yield data.subarray(off, off + n);
    off += n;
  }
}

describe('agent/s3 range writer and part buffer pool', () => {
  let dir: string;
  let fh: FileHandle;
  const path = () => join(dir, 'out.bin');
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dp-range-writer-'));
    fh = await open(path(), 'w');
  });
  afterEach(async () => {
    await fh.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes ranges at their offsets in any order and chunking, counting every byte', async () => {
    const data = randomBytes(3 * WRITE_BATCH + 12_345);
    const cut = [0, 100_000, WRITE_BATCH + 1, data.length];
    let counted = 0;
    const written = await Promise.all(
      [2, 0, 1].map((r) => writeRange(fh, Readable.from(chunks(data.subarray(cut[r], cut[r + 1]))), cut[r], cut[r + 1], (n) => (counted += n))),
    );
    await fh.close();
    assert.deepEqual(written, [cut[3] - cut[2], cut[1], cut[2] - cut[1]]);
    assert.equal(counted, data.length);
    assert.ok(readFileSync(path()).equals(data));
  });

  it('stops at the end of its range and destroys a longer body (the first, unranged GET)', async () => {
    const data = randomBytes(2 * WRITE_BATCH);
    const body = Readable.from(chunks(data));
    const n = await writeRange(fh, body, 0, 300_001, () => undefined);
    await fh.close();
    assert.equal(n, 300_001);
    assert.ok(body.destroyed);
    assert.ok(readFileSync(path()).equals(data.subarray(0, 300_001)));
  });

  it('a body that ends early resolves with the bytes it had (the caller fails the download)', async () => {
    const n = await writeRange(fh, Readable.from(chunks(randomBytes(1000))), 0, 5000, () => undefined);
    assert.equal(n, 1000);
  });

  it('a body that fails rejects with its error, after the write in flight has settled', async () => {
    const body = new PassThrough();
    const p = writeRange(fh, body, 0, 10 * WRITE_BATCH, () => undefined);
    body.write(randomBytes(WRITE_BATCH + 10)); // one batch goes to the file
    body.destroy(new Error('connection reset'));
    await assert.rejects(p, /connection reset/);
    await fh.close(); // no write may still be running: closing does not race one
  });

  it('a body already cut or closed before it is handed over fails at once (no event would come)', async () => {
    const cut = new PassThrough();
    cut.write(randomBytes(10_000));
    cut.on('error', () => undefined);
    cut.destroy(new Error('cut while the file was opened'));
    const closed = new PassThrough();
    closed.destroy();
    await new Promise((r) => setImmediate(r));
    await assert.rejects(writeRange(fh, cut, 0, 50_000, () => undefined), /cut while the file was opened/);
    await assert.rejects(writeRange(fh, closed, 0, 50_000, () => undefined), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('a failed file write fails the range and stops reading the body', async () => {
    await fh.close();
    fh = await open(path(), 'r'); // writes fail with EBADF
    const body = new PassThrough();
    const p = writeRange(fh, body, 0, 4 * WRITE_BATCH, () => undefined);
    body.write(randomBytes(WRITE_BATCH));
    await assert.rejects(p, { code: 'EBADF' });
    assert.ok(body.destroyed);
  });

  it('the pool hands back given buffers, keeps at most `max`, and drops them when idle', () => {
    const scheduled: (() => void)[] = [];
    const pool = new PartBufferPool(1024, 2, 2_000, (fn) => {
      scheduled.push(fn);
      return () => scheduled.splice(scheduled.indexOf(fn), 1);
    });
    const [a, b, c] = [pool.take(), pool.take(), pool.take()];
    assert.equal(a.length, 1024);
    pool.give(a);
    pool.give(a); // twice: still once
    pool.give(b);
    pool.give(c); // over max: dropped
    pool.give(Buffer.alloc(10)); // another size: ignored
    assert.equal(pool.held, 2);
    assert.equal(scheduled.length, 1, 'one idle timer, re-armed at each give');
    const got = [pool.take(), pool.take()];
    assert.ok(got.includes(a) && got.includes(b));
    pool.give(a);
    scheduled[0]();
    assert.equal(pool.held, 0, 'dropped after the idle time');
    assert.notEqual(pool.take(), a);
  });
});
