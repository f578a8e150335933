/**
 * Parallel ranged download of one large object into an already chosen temporary file: a single GET stream is
 * bound by one connection's throughput (the AWS CLI fetches ~10 ranges at once). Each range is streamed to its
 * offset in the file in batches of written chunks (range-writer.ts), so memory stays at about 1 MiB per range in
 * flight whatever the object size. Every range after the first carries IfMatch on the first response's ETag: a
 * concurrent overwrite fails the download (412) instead of mixing two versions in one file.
 */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { toS3Failure } from './errors.js';
import type { ProgressFn } from './progress.js';
import { writeRange } from './range-writer.js';
import { linkedAbort, runWorkers } from './workers.js';

type Sdk = typeof import('@aws-sdk/client-s3');

export interface RangedOptions {
  /** Objects larger than this many bytes are fetched in ranges. */
  threshold: number;
  rangeSize: number;
  concurrency: number;
}

export const DEFAULT_RANGED: RangedOptions = { threshold: 16 * 1024 * 1024, rangeSize: 8 * 1024 * 1024, concurrency: 8 };

export interface RangedJob {
  bucket: string;
  key: string;
  tmp: string;
  total: number;
  etag: string | undefined;
  /** The already open body of a plain GetObject: used for the first range, then dropped. */
  first: Readable;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  opts: RangedOptions;
}

export async function rangedDownload(client: S3Client, sdk: Sdk, j: RangedJob): Promise<number> {
  const { rangeSize, concurrency } = j.opts;
  // One controller for all ranges: any failure, or the caller's abort, cancels every request in flight.
  const { ac, done } = linkedAbort(j.signal);
  const fh = await open(j.tmp, 'w', 0o600);
  let bytes = 0;
  const counted = (n: number) => {
    bytes += n;
    j.onProgress?.(bytes, j.total);
  };
  let next = rangeSize; // range 0 comes from the first body
  const fetchRange = async (start: number): Promise<void> => {
    const end = Math.min(start + rangeSize, j.total);
    let body: Readable;
    try {
      const r = await client.send(
        new sdk.GetObjectCommand({ Bucket: j.bucket, Key: j.key, Range: `bytes=${start}-${end - 1}`, ...(j.etag ? { IfMatch: j.etag } : {}) }),
        { abortSignal: ac.signal },
      );
      body = r.Body as Readable;
      if (!body || typeof body.destroy !== 'function') throw new Error('GetObject returned no readable body');
    } catch (err) {
      throw toS3Failure(err, `GetObject (bytes ${start}-${end - 1})`, j.bucket, j.key);
    }
    const n = await writeRange(fh, body, start, end, counted).catch((err: unknown) => {
      throw toS3Failure(err, `GetObject (reading bytes ${start}-${end - 1})`, j.bucket, j.key);
    });
    if (n !== end - start) {
      throw toS3Failure(new Error(`bytes ${start}-${end - 1}: only ${n} of ${end - start} arrived`), 'GetObject', j.bucket, j.key);
    }
  };
  const worker = async (): Promise<void> => {
    while (next < j.total && !ac.signal.aborted) {
      const start = next;
      next += rangeSize;
      await fetchRange(start);
    }
  };
  const firstRange = async (): Promise<void> => {
    const end = Math.min(rangeSize, j.total);
    const stop = () => j.first.destroy(ac.signal.reason instanceof Error ? ac.signal.reason : new Error('aborted'));
    ac.signal.addEventListener('abort', stop, { once: true });
    try {
      const n = await writeRange(fh, j.first, 0, end, counted).catch((err: unknown) => {
        throw toS3Failure(err, 'GetObject (reading the body)', j.bucket, j.key);
      });
      if (n !== end) throw toS3Failure(new Error(`bytes 0-${end - 1}: only ${n} of ${end} arrived`), 'GetObject', j.bucket, j.key);
    } finally {
      ac.signal.removeEventListener('abort', stop);
    }
  };
  try {
    const tasks = [firstRange()];
    for (let i = 1; i < concurrency; i++) tasks.push(worker());
    const firstErr = await runWorkers(ac, tasks);
    if (j.signal?.aborted) throw toS3Failure(j.signal.reason ?? new Error('aborted'), 'GetObject', j.bucket, j.key);
    if (firstErr) throw firstErr.err;
    if (bytes !== j.total) {
      throw toS3Failure(new Error(`the object has ${j.total} bytes but only ${bytes} arrived`), 'GetObject', j.bucket, j.key);
    }
    return bytes;
  } finally {
    done();
    await fh.close();
  }
}
