/**
 * The S3 checks the agent runs as preconditions (taskrunner.md 3.7): met -> FINISHED, not met -> FALSE, an
 * error (no such bucket, access denied, a bad URI) -> FAILED naming the object, field, bucket and key.
 */
import type { ExecutionContext, Outcome } from '../executors/executor.js';
import { TaskFailure } from '../executors/executor.js';
import type { ObjectView } from '../objects.js';
import { getS3 } from './access.js';
import type { S3Access } from './access.js';
import { S3Failure } from './errors.js';
import { dirPrefix, parseS3Uri, S3UriError } from './uri.js';
import type { S3Location } from './uri.js';

export type S3Check = 'object' | 'prefix' | 'directory';

/** Checks the S3 location in `obj.field`: an object (`object`), a key prefix (`prefix`), or a directory's objects. */
export async function checkS3(ctx: ExecutionContext, obj: ObjectView, field: string, what: S3Check): Promise<Outcome> {
  const raw = obj.value(field);
  try {
    if (raw === undefined || raw.trim() === '') throw new TaskFailure('MissingField', `${obj.id}.${field} is required`);
    const loc = location(raw, obj, field);
    const s3 = await getS3(ctx.resources);
    const uri = `s3://${loc.bucket}/${what === 'directory' ? dirPrefix(loc.key) : loc.key}`;
    const met = await test(s3, loc, what, ctx.signal);
    ctx.log.info(`${obj.id}.${field}: ${uri} ${met ? 'is there' : 'is not there'}`);
    if (met) return { status: 'FINISHED' };
    const noun = what === 'object' ? 'object' : 'objects under';
    return { status: 'FALSE', message: `Precondition not met: no ${noun} ${uri} (${obj.id}.${field})` };
  } catch (err) {
    if (err instanceof S3Failure) {
      const f = err.withContext(obj.id, field);
      return { status: 'FAILED', errorId: f.errorId, errorMessage: f.message };
    }
    if (err instanceof TaskFailure) return { status: 'FAILED', errorId: err.errorId, errorMessage: err.message };
    throw err;
  }
}

function location(raw: string, obj: ObjectView, field: string): S3Location {
  try {
    return parseS3Uri(raw);
  } catch (err) {
    if (err instanceof S3UriError) throw new TaskFailure(err.code, `${obj.id}.${field}: ${err.message}`);
    throw err;
  }
}

async function test(s3: S3Access, loc: S3Location, what: S3Check, signal: AbortSignal): Promise<boolean> {
  if (what === 'object') {
    if (loc.key === '') throw new TaskFailure('InvalidS3Uri', `s3://${loc.bucket}/ names a bucket, not an object`);
    return s3.exists(loc.bucket, loc.key, signal);
  }
  return s3.prefixNotEmpty(loc.bucket, what === 'directory' ? dirPrefix(loc.key) : loc.key, signal);
}
