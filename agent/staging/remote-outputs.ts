/**
 * `stdout` / `stderr` fields that name an `s3://` location (taskrunner.md 2.6): the attempt's StdOutput /
 * StdError file is uploaded there when the command has ended, with SSE-S3 (as for log uploads, 2.7).
 */
import type { ExecutionContext } from '../executors/executor.js';
import { TaskFailure } from '../executors/executor.js';
import { getS3 } from '../s3/access.js';
import { S3Failure } from '../s3/errors.js';
import { parseS3Uri, S3UriError } from '../s3/uri.js';

export interface RemoteOutput {
  stream: 'stdout' | 'stderr';
  uri: string;
}

/** Bound for uploads that start after the attempt was aborted (the attempt's own signal is spent by then). */
const AFTER_ABORT_MS = 60_000;

/** Uploads each output; returns the first failure (every upload is tried), or undefined. */
export async function uploadRemoteOutputs(ctx: ExecutionContext, outputs: readonly RemoteOutput[]): Promise<TaskFailure | undefined> {
  let first: TaskFailure | undefined;
  const signal = ctx.signal.aborted ? AbortSignal.timeout(AFTER_ABORT_MS) : ctx.signal;
  for (const o of outputs) {
    const where = `${ctx.task.attemptId}.${o.stream}`;
    try {
      const { bucket, key } = parseS3Uri(o.uri);
      if (key === '' || key.endsWith('/')) throw new TaskFailure('InvalidOutputPath', `${where}: ${o.uri} names a prefix; give the object key to write`);
      const s3 = await getS3(ctx.resources);
      await s3.upload(bucket, key, ctx.paths[o.stream], { sse: 'AES256', contentType: 'text/plain', signal });
      ctx.log.info(`${o.stream} uploaded to ${o.uri}`);
    } catch (err) {
      let f: TaskFailure;
      if (err instanceof S3Failure) f = err.withContext(ctx.task.attemptId, o.stream);
      else if (err instanceof S3UriError) f = new TaskFailure(err.code, `${where}: ${err.message}`);
      else if (err instanceof TaskFailure) f = err;
      else f = new TaskFailure('OutputUploadFailed', `${where}: uploading ${ctx.paths[o.stream]} to ${o.uri} failed: ${(err as Error).message}`);
      ctx.log.error(f.message);
      first ??= f;
    }
  }
  return first;
}
