/**
 * Final statuses on their way to the service. Each report is on disk before the first send, and is removed only
 * once the service took it (or refused it for good), so a control plane that is down for a while, or an agent
 * restart, loses nothing.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'winston';
import { retryForever } from './backoff.js';
import type { BackoffOptions } from './backoff.js';
import { ensureDir, readJsonDir, writeJsonDurable } from './files.js';
import { removeFile } from './fs-remove.js';
import { journalKey } from './journal.js';
import type { ServiceApi, TaskStatusReport } from './service-api.js';

/** Answers that mean resending can never succeed: drop the report. */
export function isFinalRejection(err: unknown): boolean {
  const name = (err as { name?: string }).name ?? '';
  return ['TaskNotFoundException', 'InvalidRequestException', 'PipelineDeletedException', 'PipelineNotFoundException'].includes(name);
}

export class Outbox {
  readonly dir: string;
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    outputDir: string,
    private readonly api: ServiceApi,
    private readonly log: Logger,
    private readonly backoff: BackoffOptions,
    private readonly signal: AbortSignal,
  ) {
    this.dir = ensureDir(join(outputDir, 'journal', 'outbox'));
  }

  /**
   * Persist (fsynced), then deliver in the background. Resolves once the report is on disk, with the delivery
   * promise (settles when delivered or dropped).
   */
  async enqueue(report: TaskStatusReport): Promise<{ delivered: Promise<void> }> {
    const key = journalKey(report.taskId);
    await writeJsonDurable(join(this.dir, `${key}.json`), report);
    return { delivered: this.deliver(key, report) };
  }

  /** Persist and deliver; settles when delivered or dropped. */
  async send(report: TaskStatusReport): Promise<void> {
    await (await this.enqueue(report)).delivered;
  }

  /** Deliver everything left on disk by an earlier run. */
  resendPending(): Promise<void>[] {
    return readJsonDir<TaskStatusReport>(this.dir).map(({ file, value }) =>
      this.deliver(file.slice(file.lastIndexOf('/') + 1, -'.json'.length), value),
    );
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /** Reports still on disk: not delivered yet (by this run or an earlier one). */
  get undelivered(): number {
    return readdirSync(this.dir).filter((f) => f.endsWith('.json')).length;
  }

  /** Wait for deliveries in flight, at most `ms`. Undelivered reports stay on disk for the next start. */
  async flush(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const all = Promise.allSettled([...this.inFlight.values()]).then(() => true);
    const limit = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
    const done = await Promise.race([all, limit]);
    clearTimeout(timer);
    return done;
  }

  private deliver(key: string, report: TaskStatusReport): Promise<void> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    let failing = false;
    const p = retryForever(() => this.api.setTaskStatus(report, this.signal), {
      ...this.backoff,
      signal: this.signal,
      isFatal: isFinalRejection,
      onError: (err, n) => {
        if (isFinalRejection(err)) return;
        if (n === 1) this.log.warn(`SetTaskStatus ${report.taskStatus} for ${shortId(report.taskId)} failed, will keep trying: ${(err as Error).message}`);
        failing = true;
      },
    })
      // Removed asynchronously: a synchronous unlink stalls every slot for as long as the disk takes. Settles
      // only once the file is gone, so `undelivered` never counts a delivered report.
      .then(
        async () => {
          if (failing) this.log.info(`SetTaskStatus ${report.taskStatus} for ${shortId(report.taskId)} delivered after retries`);
          await removeFile(join(this.dir, `${key}.json`));
        },
        async (err: unknown) => {
          if (isFinalRejection(err)) {
            this.log.warn(`service refused SetTaskStatus ${report.taskStatus} for ${shortId(report.taskId)}: ${(err as Error).message}`);
            await removeFile(join(this.dir, `${key}.json`));
          }
          // aborted (shutdown): the report stays on disk
        },
      )
      .catch((err: unknown) => {
        this.log.warn(`removing the delivered status ${key} from the outbox failed: ${(err as Error).message}`);
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }
}

export function shortId(taskId: string): string {
  return taskId.length > 16 ? `${taskId.slice(0, 12)}…` : taskId;
}
