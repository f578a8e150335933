/**
 * Streaming transfers. Downloads go through a temporary name in the destination's directory and are renamed
 * when complete, so a reader never sees half a file and a failure leaves nothing behind. Uploads: 8 MiB parts, 4 in
 * flight, so memory stays at about 32 MiB per transfer whatever the size; the parts go through reused buffers
 * (multipart.ts): a file's are read from it at their offsets (file-upload.ts), a stream's chunks copied into them
 * (stream-upload.ts).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { toS3Failure } from './errors.js';
import { uploadFile } from './file-upload.js';
import { PartBufferPool } from './part-buffers.js';
import type { ProgressFn } from './progress.js';
import { DEFAULT_RANGED, rangedDownload } from './ranged-download.js';
import type { RangedOptions } from './ranged-download.js';
import { sseParams } from './sse.js';
import type { SseChoice } from './sse.js';
import { uploadStream } from './stream-upload.js';

type Sdk = typeof import('@aws-sdk/client-s3');

export const PART_SIZE = 8 * 1024 * 1024;
export const QUEUE_SIZE = 4;
/** The uploads' part buffers, shared by every upload of the process (one upload's worth kept idle). */
const partBuffers = new PartBufferPool(PART_SIZE, QUEUE_SIZE);
/**
 * Buffer of the download's counting step and file stream (Node's default is 16 KiB): with more room, a slow disk
 * write does not stall the socket at once. 1 GiB from s3rver: 404 MiB/s instead of 359 (mean of 4 runs each).
 */
const DOWNLOAD_BUFFER = 1024 * 1024;

export async function openObject(client: S3Client, sdk: Sdk, bucket: string, key: string, signal?: AbortSignal): Promise<Readable> {
  try {
    const r = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    const body = r.Body;
    if (!(body instanceof Readable)) throw new Error('GetObject returned no readable body');
    return body;
  } catch (err) {
    throw toS3Failure(err, 'GetObject', bucket, key);
  }
}

export interface DownloadSpec {
  bucket: string;
  key: string;
  destPath: string;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  /** When and how to fetch in parallel ranges (tests force small values); default DEFAULT_RANGED. */
  ranged?: RangedOptions;
}

export async function downloadObject(client: S3Client, sdk: Sdk, d: DownloadSpec): Promise<number> {
  const dir = dirname(d.destPath);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(d.destPath).slice(0, 200)}.part-${randomBytes(6).toString('hex')}`);
  let bytes = 0;
  try {
    let total: number | undefined;
    let body: Readable;
    let etag: string | undefined;
    try {
      const r = await client.send(new sdk.GetObjectCommand({ Bucket: d.bucket, Key: d.key }), { abortSignal: d.signal });
      if (!(r.Body instanceof Readable)) throw new Error('GetObject returned no readable body');
      body = r.Body;
      total = r.ContentLength;
      etag = r.ETag;
    } catch (err) {
      throw toS3Failure(err, 'GetObject', d.bucket, d.key);
    }
    const ranged = d.ranged ?? DEFAULT_RANGED;
    if (total !== undefined && total > ranged.threshold) {
      // Large: this body serves the first range; the rest come as parallel ranged GETs pinned to its ETag.
      bytes = await rangedDownload(client, sdk, { bucket: d.bucket, key: d.key, tmp, total, etag, first: body, signal: d.signal, onProgress: d.onProgress, opts: ranged });
      await rename(tmp, d.destPath);
      return bytes;
    }
    const count = new Transform({
      highWaterMark: DOWNLOAD_BUFFER,
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        d.onProgress?.(bytes, total);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(body, count, createWriteStream(tmp, { mode: 0o600, highWaterMark: DOWNLOAD_BUFFER }), { signal: d.signal });
    } catch (err) {
      throw toS3Failure(err, 'GetObject (reading the body)', d.bucket, d.key);
    }
    // A connection cut at a message boundary can end the stream early without an error: check the length.
    if (total !== undefined && bytes !== total) {
      throw toS3Failure(new Error(`the object has ${total} bytes but only ${bytes} arrived`), 'GetObject', d.bucket, d.key);
    }
    await rename(tmp, d.destPath);
    return bytes;
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export interface UploadOptions extends SseChoice {
  contentType?: string;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

export async function uploadObject(client: S3Client, sdk: Sdk, bucket: string, key: string, source: Readable | string, o: UploadOptions): Promise<void> {
  const params = { ...(o.contentType ? { ContentType: o.contentType } : {}), ...sseParams(o) };
  const job = { bucket, key, params, partSize: PART_SIZE, queueSize: QUEUE_SIZE, pool: partBuffers, signal: o.signal, onProgress: o.onProgress };
  try {
    // A file's parts are read from it at their offsets, a stream's copied from its chunks: both into reused buffers.
    if (typeof source === 'string') await uploadFile(client, sdk, { ...job, path: source });
    else await uploadStream(client, sdk, { ...job, source });
  } catch (err) {
    throw toS3Failure(err, 'Upload', bucket, key);
  }
}
