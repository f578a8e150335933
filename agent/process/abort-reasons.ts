/**
 * Why an attempt's AbortSignal fired. Whoever aborts passes one of these as `controller.abort(reason)`; executors
 * read `signal.reason` to choose the outcome (attemptTimeout and shutdown are reported, a cancel is not).
 */

/** The attempt ran longer than its `attemptTimeout`; the agent enforces it locally (agents.md E.5). */
export class AttemptTimeout extends Error {
  readonly code = 'AttemptTimeout';
  constructor(message = 'the attempt exceeded its attemptTimeout') {
    super(message);
    this.name = 'AttemptTimeout';
  }
}

/** ReportTaskProgress answered canceled=true: kill everything, report nothing (taskrunner.md 2.3 step 6). */
export class Canceled extends Error {
  readonly code = 'Canceled';
  constructor(message = 'the service canceled the attempt') {
    super(message);
    this.name = 'Canceled';
  }
}

/** The agent is shutting down and the drain deadline passed. */
export class ShuttingDown extends Error {
  readonly code = 'ShuttingDown';
  constructor(message = 'Task Runner is shutting down') {
    super(message);
    this.name = 'ShuttingDown';
  }
}

export type AbortReason = AttemptTimeout | Canceled | ShuttingDown;
export type AbortReasonCode = AbortReason['code'] | 'Unknown';

/**
 * The code of an abort reason. Checks `code` as well as the class, so a reason built by another copy of this
 * module (or a plain `{ code }` object) is still recognised.
 */
export function abortReasonCode(reason: unknown): AbortReasonCode {
  if (reason instanceof AttemptTimeout || reason instanceof Canceled || reason instanceof ShuttingDown) return reason.code;
  const code = typeof reason === 'object' && reason !== null ? (reason as { code?: unknown }).code : undefined;
  return code === 'AttemptTimeout' || code === 'Canceled' || code === 'ShuttingDown' ? code : 'Unknown';
}
