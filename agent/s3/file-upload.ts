/**
 * Upload of a local file, without lib-storage. lib-storage reads a file as a stream and concatenates each part into
 * a new Buffer; each lives for the seconds its upload takes, is promoted, and waits for a full GC, so dead parts
 * pile up (RSS 180+ MiB during a 1 GiB upload). Here each of the parts in flight is read straight from the file
 * (a positioned read at its offset) into a Buffer its worker reuses for every part it sends, taken from and given
 * back to a pool shared by the uploads (part-buffers.ts): memory is `queueSize` x `partSize` whatever the file's size.
 * The contract is lib-storage's: a file of at most one part is one PutObject; a multipart upload that fails or is
 * aborted is aborted on the server (AbortMultipartUpload) once no part is in flight, so a truncated object never
 * appears. Parts are Buffers, so the SDK still signs their SHA-256 (SigV4 over plain HTTP) and adds its CRC32, and
 * retries a failed part by itself.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { PartBufferPool } from './part-buffers.js';
import type { ProgressFn } from './progress.js';

type Sdk = typeof import('@aws-sdk/client-s3');

const MiB = 1024 * 1024;
/** S3's limit on the parts of one multipart upload. */
const MAX_PARTS = 10_000;
/** A single-request body at least this large borrows a pool buffer rather than a fresh one. */
const POOLED_SINGLE = 256 * 1024;

export interface FileUploadJob {
  bucket: string;
  key: string;
  path: string;
  /** Object parameters: ContentType and SSE, sent with PutObject or CreateMultipartUpload. */
  params: { ContentType?: string; ServerSideEncryption?: 'AES256' | 'aws:kms'; SSEKMSKeyId?: string };
  partSize: number;
  queueSize: number;
  /** Where part buffers of `partSize` bytes come from and go back to (a fresh one each otherwise). */
  pool?: PartBufferPool;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

/** The part size for a file of `size` bytes: `base`, or more (whole MiB) when `base` would need over 10,000 parts. */
export function partSizeFor(size: number, base: number): number {
  const least = Math.ceil(size / MAX_PARTS);
  return least <= base ? base : Math.ceil(least / MiB) * MiB;
}

/** Thrown when the caller's signal stops an upload; toS3Failure passes it through unchanged. */
export class UploadAbortedError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'UploadAborted';
  constructor(cause: unknown) {
    super('Upload aborted.', { cause });
  }
}

/** Fills `buf` from `fh` at `position`; fails if the file ends first (it shrank since its size was taken). */
async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesRead } = await fh.read(buf, off, buf.length - off, position + off);
    if (bytesRead === 0) throw new Error(`the file ended at byte ${position + off}, before its size when the upload started: it shrank meanwhile`);
    off += bytesRead;
  }
}

interface PartEntry {
  PartNumber: number;
  ETag: string;
  ChecksumCRC32?: string;
  ChecksumCRC32C?: string;
  ChecksumSHA1?: string;
  ChecksumSHA256?: string;
}

export async function uploadFile(client: S3Client, sdk: Sdk, j: FileUploadJob): Promise<void> {
  const ac = new AbortController();
  const onAbort = () => ac.abort(j.signal?.reason);
  if (j.signal?.aborted) onAbort();
  j.signal?.addEventListener('abort', onAbort, { once: true });
  const fh = await open(j.path, 'r');
  try {
    const size = (await fh.stat()).size;
    const dst = { Bucket: j.bucket, Key: j.key };
    const partSize = partSizeFor(size, j.partSize);
    if (size <= partSize) {
      const pooled = j.pool && size >= POOLED_SINGLE && j.pool.size >= size ? j.pool.take() : undefined;
      const body = pooled ? pooled.subarray(0, size) : Buffer.allocUnsafe(size);
      await readFully(fh, body, 0);
      if (ac.signal.aborted) throw new UploadAbortedError(ac.signal.reason);
      await client.send(new sdk.PutObjectCommand({ ...dst, ...j.params, Body: body, ContentLength: size }), { abortSignal: ac.signal });
      if (pooled) j.pool?.give(pooled); // not on failure: see PartBufferPool.give
      j.onProgress?.(size, size);
      return;
    }
    await multipart(client, sdk, j, fh, size, partSize, ac);
  } finally {
    j.signal?.removeEventListener('abort', onAbort);
    await fh.close();
  }
}

async function multipart(client: S3Client, sdk: Sdk, j: FileUploadJob, fh: FileHandle, size: number, partSize: number, ac: AbortController): Promise<void> {
  const dst = { Bucket: j.bucket, Key: j.key };
  // As lib-storage does: with the SDK's default checksums, declare CRC32 for the upload and list each part's in Complete.
  const withCrc = (await client.config.requestChecksumCalculation()) === 'WHEN_SUPPORTED';
  const created = await client.send(new sdk.CreateMultipartUploadCommand({ ...dst, ...j.params, ...(withCrc ? { ChecksumAlgorithm: 'CRC32' as const } : {}) }), {
    abortSignal: ac.signal,
  });
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error('CreateMultipartUpload returned no UploadId');
  const count = Math.ceil(size / partSize);
  const parts: PartEntry[] = new Array<PartEntry>(count);
  let next = 0;
  let done = 0;
  const pool = j.pool?.size === partSize ? j.pool : undefined;
  const worker = async (): Promise<void> => {
    let buf: Buffer | undefined;
    while (next < count && !ac.signal.aborted) {
      const i = next++;
      const start = i * partSize;
      const len = Math.min(partSize, size - start);
      buf ??= pool ? pool.take() : Buffer.allocUnsafeSlow(partSize);
      const body = buf.subarray(0, len);
      await readFully(fh, body, start);
      // The SDK holds `body` only until this resolves (retries included): then the Buffer is free for the next part.
      const r = await client.send(new sdk.UploadPartCommand({ ...dst, UploadId: uploadId, PartNumber: i + 1, Body: body, ContentLength: len }), {
        abortSignal: ac.signal,
      });
      if (!r.ETag) throw new Error(`UploadPart ${i + 1} returned no ETag`);
      parts[i] = {
        PartNumber: i + 1,
        ETag: r.ETag,
        ...(r.ChecksumCRC32 ? { ChecksumCRC32: r.ChecksumCRC32 } : {}),
        ...(r.ChecksumCRC32C ? { ChecksumCRC32C: r.ChecksumCRC32C } : {}),
        ...(r.ChecksumSHA1 ? { ChecksumSHA1: r.ChecksumSHA1 } : {}),
        ...(r.ChecksumSHA256 ? { ChecksumSHA256: r.ChecksumSHA256 } : {}),
      };
      done += len;
      j.onProgress?.(done, size);
    }
    // Only here, after a clean run: a worker that threw may leave its Buffer with a request being torn down.
    if (buf) pool?.give(buf);
  };
  let firstErr: { err: unknown } | undefined; // the root cause, not the cancellations it caused in the other parts
  const failFast = (p: Promise<void>) =>
    p.catch((err: unknown) => {
      firstErr ??= { err };
      ac.abort(err);
    });
  try {
    // Every worker has stopped when this settles: no part can land after the AbortMultipartUpload below.
    await Promise.all(Array.from({ length: Math.min(j.queueSize, count) }, () => failFast(worker())));
    if (j.signal?.aborted) throw new UploadAbortedError(j.signal.reason);
    if (firstErr) throw firstErr.err;
    await client.send(new sdk.CompleteMultipartUploadCommand({ ...dst, UploadId: uploadId, MultipartUpload: { Parts: parts } }), { abortSignal: ac.signal });
  } catch (err) {
    // Not under the signal: the clean-up must run after an abort too.
    await client.send(new sdk.AbortMultipartUploadCommand({ ...dst, UploadId: uploadId })).catch(() => undefined);
    throw j.signal?.aborted && !(err instanceof UploadAbortedError) ? new UploadAbortedError(j.signal.reason) : err;
  }
}
