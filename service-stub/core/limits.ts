import type { ThrottleRates } from '../http/throttle.js';

/** Service limits (api.md 5.6, scheduler.md 11). AWS values by default; --relaxed-limits lifts the time minimums. */
export interface Limits {
  /** Period values may use seconds; retryDelay / schedule period / lateAfterTimeout minimums do not apply. */
  readonly relaxed: boolean;
  readonly maxPipelines: number;
  readonly maxObjectsPerPipeline: number;
  readonly maxTags: number;
  readonly describeObjectsMaxIds: number;
  readonly describePipelinesMaxIds: number;
  readonly queryMaxSelectors: number;
  readonly queryDefaultLimit: number;
  readonly listPipelinesPageSize: number;
  /** How long an assigned task may go unacknowledged before it is handed out again. */
  readonly ackTimeoutMs: number;
  /** Default keep-alive window after the ack (reportProgressTimeout overrides it per object). */
  readonly progressTimeoutMs: number;
  readonly defaultMaximumRetries: number;
  readonly defaultRetryDelayMs: number;
  readonly maxBodyBytes: number;
  /** Per-operation token buckets answering ThrottlingException (api.md 1.8); undefined = no throttling. */
  readonly throttle: ThrottleRates | undefined;
}

export const AWS_LIMITS: Limits = {
  relaxed: false,
  maxPipelines: 100,
  maxObjectsPerPipeline: 100,
  maxTags: 10,
  describeObjectsMaxIds: 1000,
  describePipelinesMaxIds: 25,
  queryMaxSelectors: 10,
  queryDefaultLimit: 100,
  listPipelinesPageSize: 100,
  ackTimeoutMs: 2 * 60_000,
  progressTimeoutMs: 15 * 60_000,
  defaultMaximumRetries: 2,
  defaultRetryDelayMs: 10 * 60_000,
  // EvaluateExpression takes up to 20 MiB of expression text.
  maxBodyBytes: 22 * 1024 * 1024,
  // Off unless asked for (--throttle): a self-hosted control plane has no reason to slow its own runners.
  throttle: undefined,
};
