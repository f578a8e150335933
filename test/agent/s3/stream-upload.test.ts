import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import * as sdk from '@aws-sdk/client-s3';
import { PartBufferPool } from '../../../agent/s3/part-buffers.js';
import { uploadStream } from '../../../agent/s3/stream-upload.js';
import type { StreamUploadJob } from '../../../agent/s3/stream-upload.js';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';
import { until } from '../../support/wait.js';

const KiB = 1024;
const PART = 64 * KiB;

/** `data` as a stream of chunks of `sizes` bytes in turn (odd sizes, so chunks straddle the parts' edges). */
function chunked(data: Buffer, sizes: number[] = [10 * KiB + 7, 3 * KiB, 25 * KiB + 1]): Readable {
  const chunks: Buffer[] = [];
  for (let off = 0, i = 0; off < data.length; i++) {
    const n = sizes[i % sizes.length];
    chunks.push(data.subarray(off, off + n));
    off += n;
  }
  return Readable.from(chunks, { objectMode: false });
}

/** A byte stream of `total` random bytes (`data`), 16 KiB a read; `produced` says how far it has been read. */
function counted(total: number): Readable & { produced: number; data: Buffer } {
  const data = randomBytes(total);
  const s = new Readable({
    highWaterMark: 16 * KiB,
    read() {
      const from = s.produced;
      s.produced = Math.min(total, from + 16 * KiB);
      this.push(data.subarray(from, s.produced));
      if (s.produced === total) this.push(null);
    },
  }) as Readable & { produced: number; data: Buffer };
  s.produced = 0;
  s.data = data;
  return s;
}

describe('agent/s3 stream upload (chunks copied into reused part buffers)', () => {
  let s3: TestS3;
  let client: sdk.S3Client;
  /** UploadPart numbers that fail (before anything is sent) while listed. */
  const failParts = new Set<number>();
  /** While set, UploadParts wait for it before they are sent. */
  let gate: Promise<void> | undefined;
  let inFlight = 0;
  let maxInFlight = 0;
  let partsDone = 0;
  const src = randomBytes(16 * PART + 5 * KiB); // 17 parts of 64 KiB, the last one short

  before(async () => {
    s3 = await startTestS3();
    await s3.createBucket('str');
    client = new sdk.S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: s3.credentials, maxAttempts: 1 });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const part = (args.input as { PartNumber?: number }).PartNumber;
        if (context.commandName !== 'UploadPartCommand' || part === undefined) return next(args);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          await gate;
          if (failParts.has(part)) throw new Error(`injected failure of part ${part}`);
          const out = await next(args);
          partsDone++;
          return out;
        } finally {
          inFlight--;
        }
      },
      { step: 'initialize', name: 'partHooks' },
    );
  });
  beforeEach(() => {
    s3.requests.length = 0;
    failParts.clear();
    gate = undefined;
    maxInFlight = 0;
    partsDone = 0;
  });
  after(async () => {
    client?.destroy();
    await s3?.close();
  });

  const job = (key: string, source: Readable, more: Partial<StreamUploadJob> = {}): StreamUploadJob => ({
    bucket: 'str',
    key,
    source,
    params: { ServerSideEncryption: 'AES256', ContentType: 'text/csv' },
    partSize: PART,
    queueSize: 3,
    ...more,
  });
  const count = (re: RegExp, method: string) => s3.requests.filter((r) => r.method === method && re.test(r.url)).length;
  const puts = (key: string) => s3.requests.filter((r) => r.method === 'PUT' && r.url.split('?')[0] === `/str/${key}`);

  it('uploads in parts, byte-identical, at most queueSize in flight, the same pooled buffers from part to part', async () => {
    const pool = new PartBufferPool(PART, 3);
    const seen: [number, number | undefined][] = [];
    await uploadStream(client, sdk, job('multi.csv', chunked(src), { pool, onProgress: (b, t) => seen.push([b, t]) }));
    assert.ok((await s3.getObject('str', 'multi.csv')).equals(src));
    assert.equal(count(/[?&]partNumber=\d+/, 'PUT'), 17);
    assert.ok(maxInFlight <= 3, `at most 3 parts in flight (saw ${maxInFlight})`);
    const create = s3.requests.find((r) => r.method === 'POST' && /[?&]uploads/.test(r.url));
    assert.equal(create?.headers['x-amz-server-side-encryption'], 'AES256');
    assert.equal(create?.headers['content-type'], 'text/csv');
    assert.ok(create?.headers['x-amz-checksum-algorithm'] === 'CRC32', 'CRC32 declared, as for files');
    assert.deepEqual(seen.at(-1), [src.length, undefined], "a stream's total is not known");
    assert.equal(pool.held, 3, 'the three buffers came back');
    // A second upload with the same three buffers: none allocated, none kept beyond the pool's size.
    const first = [pool.take(), pool.take(), pool.take()];
    for (const b of first) pool.give(b);
    await uploadStream(client, sdk, job('again.csv', chunked(src, [PART * 2 + 3]), { pool }));
    assert.ok((await s3.getObject('str', 'again.csv')).equals(src), 'chunks larger than a part too');
    assert.equal(pool.held, 3);
    const second = [pool.take(), pool.take(), pool.take()];
    assert.ok(second.every((b) => first.includes(b)), 'the same buffers');
  });

  it('a stream that ends within its first part is a single PutObject of its exact length (exactly one part too)', async () => {
    const pool = new PartBufferPool(PART, 3);
    await uploadStream(client, sdk, job('small.csv', chunked(src.subarray(0, 1000), [300]), { pool }));
    await uploadStream(client, sdk, job('one.csv', chunked(src.subarray(0, PART)), { pool }));
    assert.equal(count(/[?&]uploads/, 'POST'), 0, 'no multipart upload');
    assert.ok((await s3.getObject('str', 'small.csv')).equals(src.subarray(0, 1000)));
    assert.ok((await s3.getObject('str', 'one.csv')).equals(src.subarray(0, PART)));
    assert.equal(puts('small.csv')[0]?.headers['content-length'], '1000');
    assert.equal(puts('small.csv')[0]?.headers['x-amz-server-side-encryption'], 'AES256');
    assert.equal(puts('one.csv')[0]?.headers['content-length'], String(PART));
    assert.equal(pool.held, 1, 'the single-part buffer came back');
  });

  it('an empty stream is an empty object', async () => {
    const seen: [number, number | undefined][] = [];
    await uploadStream(client, sdk, job('empty.csv', Readable.from([], { objectMode: false }), { onProgress: (b, t) => seen.push([b, t]) }));
    assert.equal((await s3.getObject('str', 'empty.csv')).length, 0);
    assert.equal(puts('empty.csv').length, 1);
    assert.equal(puts('empty.csv')[0]?.headers['content-length'], '0');
    assert.deepEqual(seen, [[0, 0]]);
  });

  it('a failed part aborts the multipart upload once no part is in flight: no object, the failure reported', async () => {
    failParts.add(5);
    const pool = new PartBufferPool(PART, 3);
    await assert.rejects(uploadStream(client, sdk, job('fail.csv', chunked(src), { pool })), /injected failure of part 5/);
    assert.equal(count(/^\/str\/fail\.csv\?uploadId=/, 'DELETE'), 1, 'AbortMultipartUpload');
    const abortAt = s3.requests.findIndex((r) => r.method === 'DELETE');
    assert.equal(s3.requests.slice(abortAt).filter((r) => r.method === 'PUT').length, 0, 'no part after the abort');
    assert.equal(count(/^\/str\/fail\.csv\?uploadId=/, 'POST'), 0, 'no CompleteMultipartUpload');
    assert.deepEqual(await s3.listKeys('str', 'fail.csv'), []);
  });

  it("a source's error aborts the multipart upload and is the failure reported", async () => {
    async function* broken() {
      yield src.subarray(0, 3 * PART + 10);
      throw new Error('the export broke');
    }
    await assert.rejects(uploadStream(client, sdk, job('broken.csv', Readable.from(broken(), { objectMode: false }))), /the export broke/);
    assert.equal(count(/^\/str\/broken\.csv\?uploadId=/, 'DELETE'), 1, 'AbortMultipartUpload');
    assert.deepEqual(await s3.listKeys('str', 'broken.csv'), []);
  });

  it("the caller's abort mid-stream stops the parts and aborts the multipart upload: an AbortError, no object", async () => {
    const ac = new AbortController();
    const source = chunked(src);
    const p = uploadStream(client, sdk, job('ab.csv', source, { signal: ac.signal, onProgress: (b) => b >= 2 * PART && ac.abort(new Error('stop')) }));
    await assert.rejects(p, (e: Error) => e.name === 'AbortError' && (e as Error & { code?: string }).code === 'UploadAborted');
    assert.equal(count(/^\/str\/ab\.csv\?uploadId=/, 'DELETE'), 1, 'AbortMultipartUpload');
    assert.ok(count(/[?&]partNumber=\d+/, 'PUT') < 17, 'stopped before the last part');
    assert.deepEqual(await s3.listKeys('str', 'ab.csv'), []);
    assert.equal(source.destroyed, false, 'the stream is left to its owner');
  });

  it('an abort while the source stalls ends the upload at once (the first part, and later ones)', async () => {
    for (const before of [100, 2 * PART + 100]) {
      const ac = new AbortController();
      const source = new Readable({ read() {} });
      source.push(src.subarray(0, before)); // then nothing more: the source stalls
      const p = uploadStream(client, sdk, job(`stall-${before}.csv`, source, { signal: ac.signal }));
      await until(() => count(/[?&]partNumber=\d+/, 'PUT'), (n) => n >= Math.floor(before / PART), { what: 'the full parts sent' });
      ac.abort(new Error('stop'));
      await assert.rejects(p, { name: 'AbortError' });
      assert.deepEqual(await s3.listKeys('str', `stall-${before}.csv`), []);
      source.destroy();
    }
    assert.equal(count(/\?uploadId=/, 'DELETE'), 1, 'the started multipart upload aborted');
  });

  it('backpressure: while every buffer is in flight the source is not read further', async () => {
    let open: () => void = () => undefined;
    gate = new Promise<void>((r) => (open = r));
    const source = counted(40 * PART);
    const pool = new PartBufferPool(PART, 3);
    const p = uploadStream(client, sdk, job('bp.csv', source, { pool }));
    await until(() => inFlight, (n) => n === 3, { what: 'three parts in flight' });
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r)); // would let a reader run on
    assert.ok(source.produced <= 3 * PART + 3 * 16 * KiB, `read ${source.produced} bytes with 3 parts of ${PART} in flight`);
    open();
    await p;
    assert.ok((await s3.getObject('str', 'bp.csv')).equals(source.data));
    assert.equal(maxInFlight, 3);
  });

  it('a source slower than the uploads keeps fewer buffers in use than queueSize', async () => {
    const pool = new PartBufferPool(PART, 3);
    const taken = new Set<Buffer>();
    const take = pool.take.bind(pool);
    pool.take = () => {
      const b = take();
      taken.add(b);
      return b;
    };
    const data = randomBytes(8 * PART);
    async function* slow() {
      for (let p = 1; p <= 8; p++) {
        // Part p's bytes come once part p - 2 has been uploaded.
        if (p >= 3) await until(() => partsDone, (n) => n >= p - 2, { what: `part ${p - 2} uploaded` });
        yield data.subarray((p - 1) * PART, p * PART);
      }
    }
    await uploadStream(client, sdk, job('slow.csv', Readable.from(slow(), { objectMode: false }), { pool }));
    assert.ok((await s3.getObject('str', 'slow.csv')).equals(data));
    assert.equal(taken.size, 2, 'one buffer in flight, one filling');
  });
});
