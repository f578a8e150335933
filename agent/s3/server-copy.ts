/**
 * Server-side copy: one CopyObject up to 5 GB (its limit), UploadPartCopy parts above, 4 in flight. A failed
 * multipart copy is aborted, so the destination never holds a partial object.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { toS3Failure } from './errors.js';
import type { ProgressFn } from './progress.js';
import { sseParams } from './sse.js';
import type { SseChoice } from './sse.js';

type Sdk = typeof import('@aws-sdk/client-s3');

export const COPY_OBJECT_LIMIT = 5 * 1024 ** 3;
const MIN_COPY_PART = 512 * 1024 * 1024;
const MAX_PARTS = 10_000;
const PARALLEL = 4;

export interface CopySpec extends SseChoice {
  srcBucket: string;
  srcKey: string;
  dstBucket: string;
  dstKey: string;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  /** Tests lower this to exercise the multipart path with small objects. */
  multipartAbove?: number;
  partSize?: number;
}

export async function serverSideCopy(
  client: S3Client,
  sdk: Sdk,
  c: CopySpec,
  head: (bucket: string, key: string, signal?: AbortSignal) => Promise<{ size: number }>,
): Promise<void> {
  const { size } = await head(c.srcBucket, c.srcKey, c.signal);
  const source = `${c.srcBucket}/${encodeURIComponent(c.srcKey).replace(/%2F/g, '/')}`;
  const dst = { Bucket: c.dstBucket, Key: c.dstKey };
  if (size <= (c.multipartAbove ?? COPY_OBJECT_LIMIT)) {
    try {
      await client.send(new sdk.CopyObjectCommand({ ...dst, CopySource: source, ...sseParams(c) }), { abortSignal: c.signal });
    } catch (err) {
      throw toS3Failure(err, `CopyObject from s3://${c.srcBucket}/${c.srcKey} to`, c.dstBucket, c.dstKey);
    }
    c.onProgress?.(size, size);
    return;
  }
  const partSize = c.partSize ?? Math.max(MIN_COPY_PART, Math.ceil(size / MAX_PARTS));
  let uploadId: string | undefined;
  try {
    const created = await client.send(new sdk.CreateMultipartUploadCommand({ ...dst, ...sseParams(c) }), { abortSignal: c.signal });
    uploadId = created.UploadId;
    const count = Math.ceil(size / partSize);
    const parts: { PartNumber: number; ETag?: string }[] = new Array(count);
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        const first = i * partSize;
        const last = Math.min(size, first + partSize) - 1;
        const r = await client.send(
          new sdk.UploadPartCopyCommand({ ...dst, UploadId: uploadId, PartNumber: i + 1, CopySource: source, CopySourceRange: `bytes=${first}-${last}` }),
          { abortSignal: c.signal },
        );
        parts[i] = { PartNumber: i + 1, ETag: r.CopyPartResult?.ETag };
        done += last - first + 1;
        c.onProgress?.(done, size);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, count) }, worker));
    await client.send(new sdk.CompleteMultipartUploadCommand({ ...dst, UploadId: uploadId, MultipartUpload: { Parts: parts } }), { abortSignal: c.signal });
  } catch (err) {
    if (uploadId) await client.send(new sdk.AbortMultipartUploadCommand({ ...dst, UploadId: uploadId })).catch(() => undefined);
    throw toS3Failure(err, `Multipart copy from s3://${c.srcBucket}/${c.srcKey} to`, c.dstBucket, c.dstKey);
  }
}
