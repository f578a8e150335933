/**
 * The interface of one CopyActivity direction (S3 -> S3 here; SQL -> S3, S3 -> SQL, SQL -> SQL as their own
 * files), and the error wording they share: every failure names the pipeline object, the field and, for S3,
 * the bucket and key.
 */
import { TaskFailure } from '../executors/executor.js';
import type { ExecutionContext } from '../executors/executor.js';
import type { ObjectView } from '../objects.js';
import { FormatError } from '../formats/format.js';
import type { ProgressTimer } from '../s3/progress.js';

export interface CopyOptions {
  /** How often a long copy logs its progress (default 5 s). */
  progressIntervalMs?: number;
  /** Injectable timer for the progress lines (tests). */
  timer?: ProgressTimer;
}

export interface CopyRequest {
  ctx: ExecutionContext;
  /** The CopyActivity attempt. */
  activity: ObjectView;
  input: ObjectView;
  output: ObjectView;
  options: CopyOptions;
}

/** What a copy did, for the log line at its end (and tests). */
export interface CopySummary {
  /** `server-side`: objects copied by S3 itself; `records`: read and written record by record. */
  mode: 'server-side' | 'records';
  objects: number;
  bytesRead: number;
  records: number;
}

/** Copies `input` to `output`; throws TaskFailure (with a stable errorId) when it cannot. */
export type Copier = (req: CopyRequest) => Promise<CopySummary>;

/** A failure already worded with its object and field: passed on unchanged by the outer layers. */
export class CopyFailure extends TaskFailure {
  constructor(errorId: string, message: string) {
    super(errorId, message);
    this.name = 'CopyFailure';
  }
}

/**
 * Words `err` with where it happened: `<objectId>.<field>` and, when given, the S3 URI or table it concerns.
 * Errors without an errorId of their own (bugs) are returned unchanged so they surface as TaskRunnerError.
 */
export function inContext(err: unknown, objectId: string, field: string, where?: string): unknown {
  if (err instanceof CopyFailure) return err;
  const at = `${objectId}.${field}${where ? ` (${where})` : ''}`;
  if (err instanceof FormatError) return new CopyFailure(err.code, `${at}: ${err.message}`);
  if (err instanceof TaskFailure) {
    // S3Failure messages already carry the operation, bucket and key.
    return new CopyFailure(err.errorId, `${objectId}.${field}: ${err.message}`);
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && typeof code === 'string' && code.startsWith('Z_')) {
    return new CopyFailure('InvalidGzip', `${at}: the data is not valid gzip (${err.message}); is compression set right?`);
  }
  // Our own error classes carry a CamelCase code (S3UriError: InvalidS3Uri); system errors (ECONNRESET) do not.
  if (err instanceof Error && typeof code === 'string' && /^[A-Z][a-z]+[A-Z][A-Za-z0-9]*$/.test(code)) {
    return new CopyFailure(code, `${at}: ${err.message}`);
  }
  return err;
}
