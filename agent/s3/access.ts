/**
 * The S3 API the rest of the agent uses. `getS3(resources)` makes the client once per agent, lazily, through
 * `resources.shared('s3', ...)`: the SDK is loaded the first time a task needs S3 and closed at agent stop.
 * Every failure is an S3Failure (errors.ts) naming the bucket and key; callers add the object id and field.
 */
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AgentResources } from '../executors/executor.js';
import { makeS3Client } from './client.js';
import { S3Failure, toS3Failure } from './errors.js';
import type { ProgressFn } from './progress.js';
import type { SseMode } from './sse.js';
import { serverSideCopy } from './server-copy.js';
import { downloadObject, openObject, uploadObject } from './transfer.js';
import { parseS3Uri } from './uri.js';
import type { S3Location } from './uri.js';

export type { SseMode } from './sse.js';
export { sseFromNode, sseParams } from './sse.js';

export interface WriteOptions {
  sse: SseMode;
  /** With 'aws:kms': the key; absent means the bucket's / account's default KMS key. */
  kmsKeyId?: string;
  contentType?: string;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

export interface ObjectInfo {
  key: string;
  size: number;
  etag?: string;
  lastModified?: Date;
}

export interface S3Access {
  /** The raw client, for calls this interface does not cover. */
  readonly client: S3Client;
  parseS3Uri(uri: string): S3Location;
  /** HeadObject; S3NoSuchKey / S3NoSuchBucket when absent. */
  head(bucket: string, key: string, signal?: AbortSignal): Promise<ObjectInfo>;
  /** Every object under `prefix` (a plain key prefix: pass `dir/` for a directory), paginated lazily. */
  list(bucket: string, prefix: string, signal?: AbortSignal): AsyncIterable<ObjectInfo>;
  /**
   * Streams the object to `destPath` through a temporary name in the same directory, renamed when complete; on
   * any failure (or abort) nothing is left at either name. Returns the bytes written.
   */
  download(bucket: string, key: string, destPath: string, signal?: AbortSignal, onProgress?: ProgressFn): Promise<number>;
  /** A streaming GetObject for record-by-record readers; errors before the first byte reject here. */
  openRead(bucket: string, key: string, signal?: AbortSignal): Promise<Readable>;
  /**
   * Multipart (parallel parts, constant memory, reused part buffers): a file's parts read from it at their
   * offsets, a stream's chunks copied into them; a body of one part or less goes as one PutObject. A stream is
   * read, not destroyed: on failure the caller destroys it.
   * On failure or abort the multipart upload is aborted: never a truncated object.
   */
  upload(bucket: string, key: string, source: Readable | string, o: WriteOptions): Promise<void>;
  /** Server-side copy: CopyObject, or UploadPartCopy parts for objects over 5 GB. */
  copy(srcBucket: string, srcKey: string, dstBucket: string, dstKey: string, o: Omit<WriteOptions, 'contentType'>): Promise<void>;
  /** Whether the object exists; S3NoSuchBucket / S3AccessDenied / S3Error otherwise. */
  exists(bucket: string, key: string, signal?: AbortSignal): Promise<boolean>;
  /** Whether at least one object's key starts with `prefix`. */
  prefixNotEmpty(bucket: string, prefix: string, signal?: AbortSignal): Promise<boolean>;
}

export async function getS3(resources: AgentResources): Promise<S3Access> {
  const made = await resources.shared('s3', () => makeS3Client(resources), (m) => m.destroy());
  return resources.shared('s3-access', async () => createS3Access(made.client, await import('@aws-sdk/client-s3')));
}

type Sdk = typeof import('@aws-sdk/client-s3');

/** An S3Access over an existing client (tests, benchmarks). */
export function createS3Access(client: S3Client, sdk: Sdk): S3Access {
  const head = async (bucket: string, key: string, signal?: AbortSignal): Promise<ObjectInfo> => {
    try {
      const r = await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      return { key, size: r.ContentLength ?? 0, etag: r.ETag, lastModified: r.LastModified };
    } catch (err) {
      const f = toS3Failure(err, 'HeadObject', bucket, key);
      // A HEAD response has no body, so a 404 does not say whether the bucket or the key is missing: ask.
      if (f instanceof S3Failure && f.errorId === 'S3NoSuchKey') await assertBucket(bucket, key, signal);
      throw f;
    }
  };

  const assertBucket = async (bucket: string, key: string, signal?: AbortSignal): Promise<void> => {
    try {
      await client.send(new sdk.HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal });
    } catch (err) {
      const f = toS3Failure(err, 'HeadBucket', bucket);
      if (f instanceof S3Failure && f.errorId === 'S3NoSuchKey') {
        throw new S3Failure('S3NoSuchBucket', `s3://${bucket}/${key}: bucket ${bucket} does not exist`, bucket, key, err);
      }
      throw f;
    }
  };

  // ListObjects (v1) with Marker rather than v2: s3rver 3.7.1 (the embedded S3 of `npm start`) answers every
  // truncated v2 page with a 500 (its continuation token uses DES, which OpenSSL 3 refuses); v1 works everywhere.
  async function* list(bucket: string, prefix: string, signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    let marker: string | undefined;
    for (;;) {
      let page;
      try {
        page = await client.send(new sdk.ListObjectsCommand({ Bucket: bucket, Prefix: prefix, Marker: marker }), { abortSignal: signal });
      } catch (err) {
        throw toS3Failure(err, 'ListObjects', bucket, prefix);
      }
      const contents = page.Contents ?? [];
      for (const o of contents) {
        if (o.Key !== undefined) yield { key: o.Key, size: o.Size ?? 0, etag: o.ETag, lastModified: o.LastModified };
      }
      const last = contents.at(-1)?.Key;
      if (!page.IsTruncated || last === undefined) return;
      marker = page.NextMarker ?? last;
    }
  }

  return {
    client,
    parseS3Uri,
    head,
    list,
    download: (bucket, key, destPath, signal, onProgress) => downloadObject(client, sdk, { bucket, key, destPath, signal, onProgress }),
    openRead: (bucket, key, signal) => openObject(client, sdk, bucket, key, signal),
    upload: (bucket, key, source, o) => uploadObject(client, sdk, bucket, key, source, o),
    copy: (srcBucket, srcKey, dstBucket, dstKey, o) => serverSideCopy(client, sdk, { srcBucket, srcKey, dstBucket, dstKey, ...o }, head),
    async exists(bucket, key, signal) {
      try {
        await head(bucket, key, signal);
        return true;
      } catch (err) {
        if (err instanceof S3Failure && err.errorId === 'S3NoSuchKey') return false;
        throw err;
      }
    },
    async prefixNotEmpty(bucket, prefix, signal) {
      try {
        const r = await client.send(new sdk.ListObjectsCommand({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }), { abortSignal: signal });
        return (r.Contents?.length ?? 0) > 0;
      } catch (err) {
        throw toS3Failure(err, 'ListObjects', bucket, prefix);
      }
    },
  };
}
