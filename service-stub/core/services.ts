/** What operations and the scheduler get handed: the store, the clock, limits, logging and the dispatcher. */
import type { Db, Queryable } from '../store/db.js';
import type { Clock } from './clock.js';
import type { Limits } from './limits.js';
import type { Logger } from './logger.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';

/** One transaction's scope: its queries, the time it runs at, and the worker groups to wake after commit. */
export interface Tx {
  readonly q: Queryable;
  readonly now: number;
  readonly services: Services;
  wake(workerGroup: string): void;
}

export interface Services {
  readonly db: Db;
  readonly clock: Clock;
  readonly limits: Limits;
  readonly log: Logger;
  readonly dispatcher: Dispatcher;
  readonly accountId: string;
  readonly region: string;
  /** How long PollForTask holds a request when there is no work. */
  readonly pollWaitMs: number;
  runTx<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

/** Serialize state changes of one pipeline (dependency checks must see each other's commits). */
export async function lockPipeline(tx: Tx, pipelineId: string): Promise<void> {
  await tx.q.query('SELECT 1 FROM pipelines WHERE pipeline_id = $1 FOR UPDATE', [pipelineId]);
}

export function makeServices(base: Omit<Services, 'runTx'>): Services {
  const services: Services = {
    ...base,
    async runTx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(fn);
        } catch (err) {
          // Replicas on PostgreSQL can deadlock on row locks taken in different orders; the loser retries.
          const code = (err as { code?: string }).code;
          if ((code === '40P01' || code === '40001') && attempt < 5) continue;
          throw err;
        }
      }
    },
  };
  async function once<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const groups = new Set<string>();
      const now = base.clock.now();
      // Other replicas learn of new work with the commit (PostgreSQL NOTIFY); this one is woken directly below.
      const out = await base.db.tx((q) => fn({ q, now, services, wake: (g) => groups.add(g) }), () => groups);
      for (const g of groups) base.dispatcher.wake(g);
      return out;
  }
  return services;
}
