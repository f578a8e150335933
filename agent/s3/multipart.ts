/**
 * The part-upload machinery shared by file uploads (file-upload.ts) and stream uploads (stream-upload.ts), without
 * lib-storage. lib-storage `Buffer.concat`s each part into a new Buffer that lives for the seconds its upload takes,
 * is promoted, and waits for a full GC, so dead parts pile up. Here each of at most `queueSize` workers has a
 * PartSource fill a Buffer of `partSize` bytes, sends it and waits for the answer, then gives the Buffer back to
 * the pool shared by the uploads (part-buffers.ts) and takes one again for its next part: the same few Buffers
 * serve every part, and a worker waiting on a slow source holds none.
 * The contract is lib-storage's: a body of at most one part is one PutObject; a multipart upload that fails or is
 * aborted is aborted on the server (AbortMultipartUpload) once no part is in flight, so a truncated object never
 * appears. Parts are Buffers, so the SDK still signs their SHA-256 (SigV4 over plain HTTP) and adds its CRC32, and
 * retries a failed part by itself.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { PartBufferPool } from './part-buffers.js';
import type { ProgressFn } from './progress.js';
import { runWorkers } from './workers.js';

type Sdk = typeof import('@aws-sdk/client-s3');

/** S3's limit on the parts of one multipart upload. */
export const MAX_PARTS = 10_000;

export interface UploadJob {
  bucket: string;
  key: string;
  /** Object parameters: ContentType and SSE, sent with PutObject or CreateMultipartUpload. */
  params: { ContentType?: string; ServerSideEncryption?: 'AES256' | 'aws:kms'; SSEKMSKeyId?: string };
  partSize: number;
  queueSize: number;
  /** Where part buffers of `partSize` bytes come from and go back to (a fresh one each otherwise). */
  pool?: PartBufferPool;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

/** Thrown when the caller's signal stops an upload; toS3Failure passes it through unchanged. */
export class UploadAbortedError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'UploadAborted';
  constructor(cause: unknown) {
    super('Upload aborted.', { cause });
  }
}

/** A part ready to send: `body` is the start of `buf`, a Buffer of `partSize` bytes. */
export interface FilledPart {
  number: number;
  body: Buffer;
  buf: Buffer;
}

/** Where the parts' bytes come from. */
export interface PartSource {
  /** The body's size when known beforehand (progress reports it as the total). */
  readonly total?: number;
  /** The number of parts when known beforehand (no more workers than parts). */
  readonly count?: number;
  /**
   * Fills the start of a Buffer from `take` (called once the bytes are there, so a worker waiting on a slow
   * source holds none) with the next part; undefined when no part is left or `signal` is aborted. Workers call it
   * concurrently: a source that must be read in order serialises the calls itself.
   */
  fill(take: () => Buffer, signal: AbortSignal): Promise<FilledPart | undefined>;
}

/**
 * One PutObject of `body` with its exact length. `pooled`, the Buffer `body` lies in, goes back to the pool only
 * after success (see PartBufferPool.give).
 */
export async function putSingle(client: S3Client, sdk: Sdk, j: UploadJob, body: Buffer, ac: AbortController, pooled?: Buffer): Promise<void> {
  if (ac.signal.aborted) throw new UploadAbortedError(ac.signal.reason);
  await client.send(new sdk.PutObjectCommand({ Bucket: j.bucket, Key: j.key, ...j.params, Body: body, ContentLength: body.length }), { abortSignal: ac.signal });
  if (pooled) j.pool?.give(pooled);
  j.onProgress?.(body.length, body.length);
}

interface PartEntry {
  PartNumber: number;
  ETag: string;
  ChecksumCRC32?: string;
  ChecksumCRC32C?: string;
  ChecksumSHA1?: string;
  ChecksumSHA256?: string;
}

/**
 * A multipart upload of `source`'s parts, at most `queueSize` in flight; `first`, when given, was filled before
 * (a stream's, read to learn that the stream is longer than one part).
 */
export async function multipart(client: S3Client, sdk: Sdk, j: UploadJob, source: PartSource, ac: AbortController, first?: FilledPart): Promise<void> {
  const dst = { Bucket: j.bucket, Key: j.key };
  // As lib-storage does: with the SDK's default checksums, declare CRC32 for the upload and list each part's in Complete.
  const withCrc = (await client.config.requestChecksumCalculation()) === 'WHEN_SUPPORTED';
  const created = await client.send(new sdk.CreateMultipartUploadCommand({ ...dst, ...j.params, ...(withCrc ? { ChecksumAlgorithm: 'CRC32' as const } : {}) }), {
    abortSignal: ac.signal,
  });
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error('CreateMultipartUpload returned no UploadId');
  const parts: PartEntry[] = [];
  let done = 0;
  const pool = j.pool?.size === j.partSize ? j.pool : undefined;
  const worker = async (start: FilledPart | undefined): Promise<void> => {
    let part = start;
    let buf = part?.buf;
    const take = () => (buf ??= pool ? pool.take() : Buffer.allocUnsafeSlow(j.partSize));
    for (;;) {
      if (!part) {
        if (ac.signal.aborted) break;
        part = await source.fill(take, ac.signal);
        if (!part || ac.signal.aborted) break;
      }
      const { number, body } = part;
      // The SDK holds `body` only until this resolves (retries included): then the Buffer is free for the next part.
      const r = await client.send(new sdk.UploadPartCommand({ ...dst, UploadId: uploadId, PartNumber: number, Body: body, ContentLength: body.length }), {
        abortSignal: ac.signal,
      });
      if (!r.ETag) throw new Error(`UploadPart ${number} returned no ETag`);
      parts[number - 1] = {
        PartNumber: number,
        ETag: r.ETag,
        ...(r.ChecksumCRC32 ? { ChecksumCRC32: r.ChecksumCRC32 } : {}),
        ...(r.ChecksumCRC32C ? { ChecksumCRC32C: r.ChecksumCRC32C } : {}),
        ...(r.ChecksumSHA1 ? { ChecksumSHA1: r.ChecksumSHA1 } : {}),
        ...(r.ChecksumSHA256 ? { ChecksumSHA256: r.ChecksumSHA256 } : {}),
      };
      done += body.length;
      j.onProgress?.(done, source.total);
      part = undefined;
      // Back to the pool between parts: when the source is slower than the uploads, fewer buffers are in use.
      if (pool && buf) {
        pool.give(buf);
        buf = undefined;
      }
    }
    // Only here, after a clean run: a worker that threw may leave its Buffer with a request being torn down.
    if (buf) pool?.give(buf);
  };
  try {
    const workers = Math.min(j.queueSize, source.count ?? j.queueSize);
    // Every worker has stopped when this settles: no part can land after the AbortMultipartUpload below.
    const firstErr = await runWorkers(ac, Array.from({ length: workers }, (_, i) => worker(i === 0 ? first : undefined)));
    if (j.signal?.aborted) throw new UploadAbortedError(j.signal.reason);
    if (firstErr) throw firstErr.err;
    await client.send(new sdk.CompleteMultipartUploadCommand({ ...dst, UploadId: uploadId, MultipartUpload: { Parts: parts } }), { abortSignal: ac.signal });
  } catch (err) {
    // Not under the signal: the clean-up must run after an abort too.
    await client.send(new sdk.AbortMultipartUploadCommand({ ...dst, UploadId: uploadId })).catch(() => undefined);
    throw j.signal?.aborted && !(err instanceof UploadAbortedError) ? new UploadAbortedError(j.signal.reason) : err;
  }
}
