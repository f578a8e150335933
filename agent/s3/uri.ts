/**
 * `s3://bucket/key` parsing and key joining. `s3n://` and `s3a://` (Hadoop spellings seen in old pipelines) are
 * read as `s3://`. Keys are joined with exactly one `/` (the jar can produce `//`, taskrunner.md 2.8).
 */

/** A string that is not a usable S3 URI. `code` is the errorId an attempt fails with. */
export class S3UriError extends Error {
  readonly code = 'InvalidS3Uri';
  constructor(
    readonly uri: string,
    reason: string,
  ) {
    super(`${JSON.stringify(uri)} is not a valid S3 URI (${reason}); expected s3://bucket/key`);
    this.name = 'S3UriError';
  }
}

export interface S3Location {
  bucket: string;
  /** The key or prefix, without a leading `/`; '' for the bucket's root. */
  key: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.\-_]{1,254}$/i;

export function isS3Uri(value: string): boolean {
  return /^s3[na]?:\/\//i.test(value.trim());
}

export function parseS3Uri(uri: string): S3Location {
  const v = uri.trim();
  const m = /^s3[na]?:\/\/([^/]*)(?:\/(.*))?$/is.exec(v);
  if (!m) throw new S3UriError(uri, 'it does not start with s3://');
  const bucket = m[1];
  if (!bucket) throw new S3UriError(uri, 'the bucket name is empty');
  if (!BUCKET.test(bucket)) throw new S3UriError(uri, `bad bucket name ${JSON.stringify(bucket)}`);
  const key = (m[2] ?? '').replace(/^\/+/, '');
  if (key.includes('\0')) throw new S3UriError(uri, 'the key contains a NUL character');
  return { bucket, key };
}

/** `a/` + `/b` -> `a/b`; empty parts are skipped, so a root prefix '' joins to just the name. */
export function joinKey(...parts: string[]): string {
  const kept = parts.filter((p) => p !== '');
  return kept
    .map((p, i) => {
      let s = p;
      if (i > 0) s = s.replace(/^\/+/, '');
      if (i < kept.length - 1) s = s.replace(/\/+$/, '');
      return s;
    })
    .filter((p) => p !== '')
    .join('/');
}

/** A directory prefix as S3 lists it: '' stays '', anything else ends with exactly one `/`. */
export function dirPrefix(key: string): string {
  return key === '' ? '' : `${key.replace(/\/+$/, '')}/`;
}

export function formatS3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
