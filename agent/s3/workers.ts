/**
 * Parallel workers of one transfer (multipart uploads, ranged downloads) under one AbortController: the caller's
 * abort or any worker's failure cancels every request in flight.
 */

/** An AbortController that follows the caller's signal; `done` detaches it. */
export function linkedAbort(signal: AbortSignal | undefined): { ac: AbortController; done(): void } {
  const ac = new AbortController();
  const onAbort = () => ac.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  return { ac, done: () => signal?.removeEventListener('abort', onAbort) };
}

/**
 * Runs `workers` until every one has stopped; the first failure aborts `ac` (so the others stop) and is returned
 * as the root cause, not the cancellations it caused in the other workers. Undefined when all ended cleanly.
 */
export async function runWorkers(ac: AbortController, workers: Promise<void>[]): Promise<{ err: unknown } | undefined> {
  let firstErr: { err: unknown } | undefined;
  await Promise.all(
    workers.map((w) =>
      w.catch((err: unknown) => {
        firstErr ??= { err };
        ac.abort(err);
      }),
    ),
  );
  return firstErr;
}
