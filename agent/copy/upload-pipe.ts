/**
 * Bytes made by a chain of streams, uploaded while they are made: any failure on either side aborts the upload, so
 * the key never holds a partial object, and the error reported is the cause, not its consequence. When the chain
 * fails, pipeline() destroys the upload's body with that error and the upload then fails too; which of the two
 * promises settles first differs between Node versions (20 settles the chain's first, 22 the upload's), so the
 * order cannot tell them apart: the body's state at the upload's failure does.
 */
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface UploadPipe {
  /** The first stream and the transforms after it; their output is the object's bytes. */
  stages: [Readable, ...NodeJS.ReadWriteStream[]];
  /** Starts the upload of `body`; it must not destroy `body`. */
  upload(body: Readable): Promise<unknown>;
  signal: AbortSignal;
  /** The upload's own failure, worded (S3 errors, the output node). */
  uploadError(err: unknown): unknown;
  /** The chain's failure, worded (records, format, source); an abort of `signal` arrives here too. */
  writeError(err: unknown): unknown;
  /**
   * Told the cause as soon as it is known, before the other side has reacted: a caller whose source words its own
   * errors can then tell that the source only failed because the upload had (its body destroyed).
   */
  onCause?(err: unknown): void;
}

export async function pipeToUpload(p: UploadPipe): Promise<void> {
  const body = new PassThrough();
  /** The first failure that was not a consequence of another. */
  let cause: { err: unknown } | undefined;
  const found = (f: { err: unknown }) => {
    if (cause) return;
    cause = f;
    p.onCause?.(f.err);
  };
  let uploadFailure: { err: unknown } | undefined;
  const upload = p.upload(body).catch((err: unknown) => {
    uploadFailure = { err: p.uploadError(err) };
    // A body already destroyed, or a cancel: the upload only followed the chain's failure or the abort.
    if (!body.destroyed && !p.signal.aborted) found(uploadFailure);
    body.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  const write = pipeline([...p.stages, body], { signal: p.signal }).catch((err: unknown) => {
    found({ err: p.writeError(err) });
  });
  await Promise.all([upload, write]);
  // An upload that failed after the chain had finished (a cancel at the last moment) still fails the copy.
  cause ??= uploadFailure;
  if (cause) throw cause.err;
}
