/**
 * One poll slot (the jar's task thread): at most one PollForTask outstanding, then the task it got, then poll
 * again. States are explicit for logs and tests. Errors back off with full jitter; the first error of a streak
 * is printed once and its recovery as "reconnected".
 */
import type { Logger } from 'winston';
import type { TaskObject } from '@aws-sdk/client-data-pipeline';
import type { BackoffOptions } from './backoff.js';
import { retryForever, sleep } from './backoff.js';

export type PollerState = 'idle' | 'polling' | 'running' | 'stopped';

export interface PollerDeps {
  slot: number;
  poll(signal: AbortSignal): Promise<TaskObject | undefined>;
  run(task: TaskObject): Promise<unknown>;
  log: Logger;
  backoff: BackoffOptions;
  /** Aborted when the agent stops taking work (shutdown): a held poll is abandoned at once. */
  stop: AbortSignal;
  /** Shortest time between two empty polls, so a server that answers at once cannot make us spin. */
  minPollIntervalMs: number;
  onState?(slot: number, state: PollerState): void;
}

/** Errors that no retry fixes without an operator: shown prominently, still retried at the slowest pace. */
export function describeFatal(err: unknown): string | undefined {
  const name = (err as { name?: string }).name ?? '';
  if (['UnrecognizedClientException', 'InvalidSignatureException', 'InvalidClientTokenId', 'SignatureDoesNotMatch'].includes(name)) {
    return `the service rejected this runner's credentials (${name}); check --accessId/--secretKey, --config or the instance role`;
  }
  if (['AccessDeniedException', 'AccessDenied', 'MissingAuthenticationTokenException'].includes(name)) {
    return `access denied (${name}): the credentials need datapipeline:PollForTask, ReportTaskProgress, SetTaskStatus and ReportTaskRunnerHeartbeat`;
  }
  return undefined;
}

export class Poller {
  state: PollerState = 'idle';

  constructor(private readonly d: PollerDeps) {}

  private set(s: PollerState): void {
    this.state = s;
    this.d.onState?.(this.d.slot, s);
  }

  async run(): Promise<void> {
    const { log, stop } = this.d;
    let failing = false;
    let lastFatal = '';
    while (!stop.aborted) {
      this.set('polling');
      const started = Date.now();
      let task: TaskObject | undefined;
      try {
        task = await retryForever(() => this.d.poll(stop), {
          ...this.d.backoff,
          signal: stop,
          onError: (err, n) => {
            if (stop.aborted) return;
            const name = (err as { name?: string }).name;
            const fatal = describeFatal(err);
            const text = fatal ?? `${name && name !== 'Error' ? `${name}: ` : ''}${(err as Error).message}`;
            // Once per streak (a long outage is not a log flood); a credentials problem again only if it changes.
            if (n === 1 || (fatal && fatal !== lastFatal)) log.error(`PollForTask failed: ${text}${n === 1 ? '; retrying with backoff' : ''}`);
            if (fatal) lastFatal = fatal;
            failing = true;
          },
        });
      } catch {
        if (stop.aborted) break;
        continue;
      }
      if (failing) {
        log.info('PollForTask reconnected');
        failing = false;
        lastFatal = '';
      }
      if (!task) {
        const elapsed = Date.now() - started;
        if (elapsed < this.d.minPollIntervalMs) await sleep(this.d.minPollIntervalMs - elapsed, stop).catch(() => {});
        continue;
      }
      this.set('running');
      try {
        await this.d.run(task);
      } catch (err) {
        log.error(`task ${task.attemptId} ended with an agent error: ${(err as Error).stack ?? String(err)}`);
      }
    }
    this.set('stopped');
  }
}
