/**
 * Optional per-account request throttling with one token bucket per operation (api.md 1.8), answering
 * ThrottlingException (400) the way AWS does, so runners and scripts can be tested against their backoff.
 * Buckets refill on wall time (not the scheduler's clock): rates are about real request pacing.
 */
import { ThrottlingException } from '../../protocol/errors.js';

export interface ThrottleRate {
  /** Tokens added per second. */
  readonly perSecond: number;
  /** Bucket size: calls allowed at once after a quiet period. */
  readonly burst: number;
}

/** Rates by operation name; an operation not listed is never throttled. */
export type ThrottleRates = Readonly<Record<string, ThrottleRate>>;

const slow: ThrottleRate = { perSecond: 1, burst: 100 };
const medium: ThrottleRate = { perSecond: 2, burst: 100 };
const fast: ThrottleRate = { perSecond: 10, burst: 100 };

/** The documented per-account limits (api.md 1.8). Operations the table omits are not throttled. */
export const AWS_THROTTLE_RATES: ThrottleRates = {
  ActivatePipeline: slow,
  CreatePipeline: slow,
  DeletePipeline: slow,
  DescribePipelines: slow,
  GetPipelineDefinition: slow,
  ListPipelines: slow,
  PutPipelineDefinition: slow,
  SetStatus: slow,
  ReportTaskRunnerHeartbeat: slow,
  ValidatePipelineDefinition: slow,
  DescribeObjects: medium,
  PollForTask: medium,
  QueryObjects: medium,
  ReportTaskProgress: fast,
  SetTaskStatus: fast,
};

interface Bucket {
  tokens: number;
  at: number;
}

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rates: ThrottleRates,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a token for `operation` of `account`, or throws ThrottlingException when the bucket is empty. */
  take(account: string, operation: string): void {
    const rate = Object.hasOwn(this.rates, operation) ? this.rates[operation] : undefined;
    if (!rate) return;
    const key = `${account}\0${operation}`;
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: rate.burst, at: t };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(rate.burst, b.tokens + ((t - b.at) / 1000) * rate.perSecond);
    b.at = t;
    if (b.tokens < 1) throw new ThrottlingException('Rate exceeded');
    b.tokens -= 1;
  }
}
