/** Errors from starting a child, each with a stable `code` (execa style) so callers map them without parsing text. */
import { existsSync } from 'node:fs';

export type SpawnErrorCode = 'ExecutableNotFound' | 'ExecutableNotPermitted' | 'WorkingDirectoryNotFound' | 'SpawnFailed';

export class SpawnError extends Error {
  constructor(
    readonly code: SpawnErrorCode,
    /** The file we tried to run. */
    readonly file: string,
    /** The OS error code (ENOENT, EACCES, ...), when there was one. */
    readonly errno: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'SpawnError';
  }

  static from(err: unknown, file: string, cwd: string | undefined): SpawnError {
    const errno = (err as NodeJS.ErrnoException | undefined)?.code;
    const detail = err instanceof Error ? err.message : String(err);
    // spawn reports a missing cwd as ENOENT too; tell the two apart for the user.
    if (errno === 'ENOENT' && cwd !== undefined && !existsSync(cwd)) {
      return new SpawnError('WorkingDirectoryNotFound', file, errno, `Cannot run ${file}: working directory ${cwd} does not exist (${detail})`);
    }
    if (errno === 'ENOENT') return new SpawnError('ExecutableNotFound', file, errno, `Cannot run ${file}: no such file (${detail})`);
    if (errno === 'EACCES') return new SpawnError('ExecutableNotPermitted', file, errno, `Cannot run ${file}: permission denied (${detail})`);
    return new SpawnError('SpawnFailed', file, errno, `Cannot run ${file}: ${detail}`);
  }
}

/** An output file (attempt log or the user's stdout/stderr path) could not be opened; nothing was started. */
export class OutputFileError extends Error {
  readonly code = 'OutputFileError';
  constructor(
    readonly path: string,
    readonly errno: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'OutputFileError';
  }
}
