/**
 * S3 errors as the agent reports them: a stable errorId and a message naming the bucket and key. The caller
 * adds which pipeline object and field the location came from (`withContext`).
 */
import { TaskFailure } from '../executors/executor.js';

export type S3ErrorId = 'S3NoSuchBucket' | 'S3NoSuchKey' | 'S3AccessDenied' | 'S3Error';

export class S3Failure extends TaskFailure {
  constructor(
    override readonly errorId: S3ErrorId,
    message: string,
    readonly bucket: string,
    readonly key: string | undefined,
    override readonly cause?: unknown,
  ) {
    super(errorId, message);
    this.name = 'S3Failure';
  }

  /** The same failure with "<objectId>.<field>: " in front, e.g. `MyInput.filePath: ...`. */
  withContext(objectId: string, field: string): S3Failure {
    return new S3Failure(this.errorId, `${objectId}.${field}: ${this.message}`, this.bucket, this.key, this.cause);
  }
}

interface SdkError {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Maps an SDK or network error from `op` on bucket/key to an S3Failure. AbortErrors pass through unchanged. */
export function toS3Failure(err: unknown, op: string, bucket: string, key?: string): unknown {
  if (err instanceof S3Failure) return err;
  const e = (err ?? {}) as SdkError;
  if (e.name === 'AbortError') return err;
  const where = key === undefined || key === '' ? `s3://${bucket}` : `s3://${bucket}/${key}`;
  const status = e.$metadata?.httpStatusCode;
  const name = e.Code ?? e.name ?? '';
  const detail = e.message && e.message !== name && e.message !== 'UnknownError' ? `: ${e.message}` : '';
  if (name === 'NoSuchBucket') return new S3Failure('S3NoSuchBucket', `${op} ${where}: bucket ${bucket} does not exist`, bucket, key, err);
  if (name === 'NoSuchKey' || (status === 404 && name === 'NotFound')) return new S3Failure('S3NoSuchKey', `${op} ${where}: no such key`, bucket, key, err);
  if (name === 'AccessDenied' || name === 'Forbidden' || status === 403) {
    return new S3Failure('S3AccessDenied', `${op} ${where}: access denied${detail}`, bucket, key, err);
  }
  const how = status ? `HTTP ${status} ${name}${detail}` : `${name || 'error'}${detail || (e.code ? `: ${e.code}` : '')}`;
  return new S3Failure('S3Error', `${op} ${where} failed: ${how}`, bucket, key, err);
}
