/** Abortable waits and retry with capped exponential backoff and full jitter (p-retry drives the loop). */
import pRetry from 'p-retry';

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. The timer never outlives it. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Full jitter: a uniform wait in [0, min(max, base * 2^(n-1))]. */
export function jitterDelay(attempt: number, o: BackoffOptions, random: () => number = Math.random): number {
  const cap = Math.min(o.maxMs, o.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

/**
 * Call `fn` until it succeeds, `isFatal` says stop, or `signal` aborts. `onError` sees every failure (the caller
 * decides what to print: the first error once, then "reconnected").
 */
export async function retryForever<T>(
  fn: () => Promise<T>,
  o: BackoffOptions & { signal: AbortSignal; isFatal?: (err: unknown) => boolean; onError?: (err: unknown, attempt: number) => void },
): Promise<T> {
  return pRetry(fn, {
    retries: Number.POSITIVE_INFINITY,
    minTimeout: 0,
    maxTimeout: 0,
    signal: o.signal,
    shouldRetry: ({ error }) => !(o.isFatal?.(error) ?? false) && !o.signal.aborted,
    onFailedAttempt: async ({ error, attemptNumber }) => {
      o.onError?.(error, attemptNumber);
      if (o.isFatal?.(error) || o.signal.aborted) return;
      await sleep(jitterDelay(attemptNumber, o), o.signal);
    },
  });
}
