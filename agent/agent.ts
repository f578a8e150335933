/**
 * The agent: recovery from the crash journal, the outbox, the runner heartbeat and `tasks` poll slots, and the
 * shutdown sequence (agents.md E.1): stop polling at once, let running tasks finish for up to the drain
 * timeout, then kill their process groups and report them FAILED (retryable), flush reports, exit.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'winston';
import type { TaskObject } from '@aws-sdk/client-data-pipeline';
import type { BackoffOptions } from './backoff.js';
import type { AttemptPaths, Executor } from './executors/executor.js';
import { Heartbeat } from './heartbeat.js';
import { IdleGc } from './idle-gc.js';
import { Journal } from './journal.js';
import type { TaskView } from './objects.js';
import { Outbox } from './outbox.js';
import type { PollerState } from './poller.js';
import { Poller } from './poller.js';
import type { ServiceApi } from './service-api.js';
import type { TaskResult } from './task.js';
import { runTask } from './task.js';
import type { OwnedResources } from './resources.js';

export interface AgentOptions {
  tasks: number;
  outputDir: string;
  progressIntervalMs: number;
  heartbeatIntervalMs: number;
  shutdownTimeoutMs: number;
  killGraceMs: number;
  backoff: BackoffOptions;
  minPollIntervalMs: number;
  /** How long to wait for undelivered reports at exit (they stay on disk either way). */
  flushTimeoutMs: number;
  /** How often the agent looks whether a full collection would give memory back (idle-gc.ts); default 30 s. */
  idleGcCheckMs?: number;
}

export interface AgentDeps {
  api: ServiceApi;
  /** Credentials, region, proxy and shared clients for executors; closed when the agent stops. */
  resources: OwnedResources;
  log: Logger;
  /** A logger for one slot's work (the jar's thread name); defaults to `log`. */
  slotLog?(slot: number): Logger;
  executorFor(type: string | undefined): Executor;
  paths(task: TaskView): AttemptPaths;
  env?: NodeJS.ProcessEnv;
  /** A full collection (node's `gc` under --expose-gc): run once idle after work, see idle-gc.ts. */
  gc?: () => void;
}

export type AgentState = 'created' | 'recovering' | 'running' | 'draining' | 'stopping' | 'stopped';

export interface AgentEvents {
  state: [AgentState];
  'poller-state': [number, PollerState];
  'task-start': [TaskObject];
  'task-end': [TaskObject, TaskResult];
}

export class Agent extends EventEmitter<AgentEvents> {
  state: AgentState = 'created';
  private readonly pollStop = new AbortController();
  private readonly hardStop = new AbortController();
  private readonly outboxStop = new AbortController();
  private readonly journal: Journal;
  private readonly outbox: Outbox;
  private readonly heartbeat: Heartbeat;
  private readonly idleGc: IdleGc;
  private pollers: Promise<void>[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly o: AgentOptions,
    private readonly d: AgentDeps,
  ) {
    super();
    this.journal = new Journal(o.outputDir);
    this.outbox = new Outbox(o.outputDir, d.api, d.log, o.backoff, this.outboxStop.signal);
    this.heartbeat = new Heartbeat(d.api, o.heartbeatIntervalMs, d.log, () => void this.stop('terminate requested by the service'), this.outboxStop.signal);
    this.idleGc = new IdleGc({
      checkMs: o.idleGcCheckMs ?? 30_000,
      pollsPerCollection: 1000,
      busy: () => this.running.size > 0,
      gc: d.gc,
      onCollect: () => d.log.debug('idle: full garbage collection to give memory back'),
    });
  }

  private setState(s: AgentState): void {
    this.state = s;
    this.emit('state', s);
  }

  /** Attempts in progress right now. */
  get busy(): number {
    return this.running.size;
  }

  async start(): Promise<void> {
    this.setState('recovering');
    await this.recover();
    void Promise.allSettled(this.outbox.resendPending());
    this.heartbeat.start();
    this.idleGc.start();
    this.setState('running');
    for (let slot = 1; slot <= this.o.tasks; slot++) {
      const log = this.d.slotLog?.(slot) ?? this.d.log;
      const poller = new Poller({
        slot,
        poll: (signal) => this.d.api.pollForTask(signal).finally(() => this.idleGc.pollEnded()),
        run: (task) => this.run(task, log),
        log,
        backoff: this.o.backoff,
        stop: this.pollStop.signal,
        minPollIntervalMs: this.o.minPollIntervalMs,
        onState: (n, s) => this.emit('poller-state', n, s),
      });
      this.pollers.push(poller.run());
    }
  }

  /** Unfinished attempts of an earlier run: kill what is left of them and report them FAILED for a retry. */
  private async recover(): Promise<void> {
    for (const e of this.journal.pending()) {
      const killed = await this.journal.killLeftovers(e);
      this.d.log.warn(
        `attempt ${e.attemptId} of ${e.pipelineId} was running when the agent stopped unexpectedly${killed.length ? `; killed its leftover process group ${killed.join(', ')}` : ''}; reporting it FAILED so the service retries it`,
      );
      await this.outbox.enqueue({
        taskId: e.taskId,
        taskStatus: 'FAILED',
        errorId: 'TaskRunnerRestarted',
        errorMessage: `The task runner restarted while attempt ${e.attemptId} was running (started ${e.startedAt}); its processes were stopped`,
      });
      this.journal.end(e.taskId);
    }
  }

  private run(task: TaskObject, log: Logger): Promise<TaskResult> {
    this.emit('task-start', task);
    const p = runTask(task, {
      api: this.d.api,
      journal: this.journal,
      outbox: this.outbox,
      log,
      executorFor: this.d.executorFor,
      paths: this.d.paths,
      progressIntervalMs: this.o.progressIntervalMs,
      killGraceMs: this.o.killGraceMs,
      env: this.d.env ?? process.env,
      hardStop: this.hardStop.signal,
      resources: this.d.resources,
    });
    this.running.add(p);
    return p.then(
      (r) => {
        this.running.delete(p);
        this.idleGc.taskEnded();
        this.emit('task-end', task, r);
        return r;
      },
      (err: unknown) => {
        this.running.delete(p);
        throw err;
      },
    );
  }

  /**
   * Drain and stop. Resolves when everything is closed. A second call (second signal) skips the drain:
   * running work is killed at once.
   */
  stop(reason = 'stop requested'): Promise<void> {
    if (this.stopping) {
      // Already flushing: undelivered reports stay on disk for the next start, so stop waiting for the service.
      const flushing = this.state === 'stopping';
      this.d.log.warn(`${reason} again: ${flushing ? 'not waiting for undelivered statuses any longer' : 'stopping running tasks now'}`);
      this.hardStop.abort();
      if (flushing) this.outboxStop.abort();
      return this.stopping;
    }
    this.stopping = (async () => {
      this.setState('draining');
      this.idleGc.stop();
      this.d.log.info(`${reason}: no new tasks; waiting up to ${Math.round(this.o.shutdownTimeoutMs / 1000)} s for ${this.running.size} running`);
      this.pollStop.abort();
      await Promise.allSettled(this.pollers.length ? [this.waitRunning(this.o.shutdownTimeoutMs)] : []);
      if (this.running.size) {
        this.d.log.warn(`drain deadline passed: stopping ${this.running.size} running task(s)`);
        this.hardStop.abort();
      }
      await Promise.allSettled(this.pollers);
      this.setState('stopping');
      this.heartbeat.stop();
      if (this.outbox.pending) {
        this.d.log.info(`waiting up to ${Math.round(this.o.flushTimeoutMs / 1000)} s to deliver ${this.outbox.pending} final status(es); a second signal stops waiting`);
      }
      await this.outbox.flush(this.o.flushTimeoutMs);
      // Counted on disk: a flush cut short by a second signal settles without having delivered anything.
      if (this.outbox.undelivered) this.d.log.warn('some final statuses could not be delivered yet; they are kept on disk and sent at the next start');
      this.outboxStop.abort();
      await this.d.resources.close();
      this.setState('stopped');
    })();
    return this.stopping;
  }

  private async waitRunning(ms: number): Promise<void> {
    if (!this.running.size) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((r) => (timer = setTimeout(r, ms)));
    const hard = new Promise<void>((r) => this.hardStop.signal.addEventListener('abort', () => r(), { once: true }));
    await Promise.race([Promise.allSettled([...this.running]), deadline, hard]);
    clearTimeout(timer);
  }
}

// The bin's entry point lives in run.ts; re-exported here because cli.ts loads it from this module.
export { runAgent } from './run.js';
