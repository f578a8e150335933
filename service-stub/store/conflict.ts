/**
 * A statement that runs on its own (autocommit) can still lose a deadlock or serialization check against a
 * transaction taking the same rows in another order; like runTx, it is simply run again.
 */
const RETRYABLE = new Set(['40P01', '40001']);
const TRIES = 5;

export function isConflict(err: unknown): boolean {
  return RETRYABLE.has((err as { code?: string } | undefined)?.code ?? '');
}

export async function retryConflicts<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isConflict(err) || attempt >= TRIES) throw err;
    }
  }
}
