/**
 * Held long-polls, by worker group. A wake-up drains the group's waiters in arrival order, each trying to claim
 * one task, until a claim comes back empty. Claims themselves are database transactions (FOR UPDATE SKIP LOCKED),
 * so several server processes can drain the same group without handing a task out twice.
 */
export type Claim<T> = () => Promise<T | undefined>;

interface Waiter<T> {
  readonly claim: Claim<T>;
  settle(v: T | undefined): void;
  fail(err: unknown): void;
  done: boolean;
  /** A claim for this waiter is in flight. */
  claiming: boolean;
}

/** Claims one process runs at once for one worker group (each holds a store connection while it runs). */
const CLAIMS_AT_ONCE = 4;

export class Dispatcher<T = unknown> {
  private readonly groups = new Map<string, Waiter<T>[]>();
  private readonly draining = new Map<string, boolean>();
  private closed = false;

  constructor(
    /** Give back a task claimed for a poll that ended meanwhile, so it is not stuck until the ack timeout. */
    private readonly release: (task: T) => Promise<void>,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Number of polls held right now. */
  get held(): number {
    let n = 0;
    for (const w of this.groups.values()) n += w.length;
    return n;
  }

  /**
   * Hold a poll for up to `holdMs`: resolves with a claimed task, or undefined on timeout, abort or shutdown.
   * The waiter is registered before the first claim so that work arriving in between is not missed.
   */
  wait(group: string, claim: Claim<T>, holdMs: number, signal?: AbortSignal): Promise<T | undefined> {
    if (this.closed || signal?.aborted) return Promise.resolve(undefined);
    return new Promise<T | undefined>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => waiter.settle(undefined);
      const finish = () => {
        waiter.done = true;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.remove(group, waiter);
      };
      const waiter: Waiter<T> = {
        claim,
        done: false,
        claiming: false,
        settle: (v) => {
          if (waiter.done) return;
          finish();
          resolve(v);
        },
        fail: (err) => {
          if (waiter.done) return;
          finish();
          reject(err);
        },
      };
      const list = this.groups.get(group) ?? [];
      list.push(waiter);
      this.groups.set(group, list);
      timer = setTimeout(() => waiter.settle(undefined), holdMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.drain(group).catch(this.onError);
    });
  }

  wake(group: string): void {
    if (this.groups.get(group)?.length) this.drain(group).catch(this.onError);
  }

  wakeAll(): void {
    for (const g of this.groups.keys()) this.wake(g);
  }

  /** Answer every held poll with "no task" (shutdown). */
  close(): void {
    this.closed = true;
    for (const list of [...this.groups.values()]) for (const w of [...list]) w.settle(undefined);
  }

  private remove(group: string, w: Waiter<T>): void {
    const list = this.groups.get(group);
    if (!list) return;
    const i = list.indexOf(w);
    if (i >= 0) list.splice(i, 1);
    if (!list.length) this.groups.delete(group);
  }

  /**
   * Claims for up to CLAIMS_AT_ONCE waiters run together: each is its own transaction (mostly waiting on the
   * store's commit), and SKIP LOCKED keeps them from taking the same task, so one group's pollers are not
   * served one commit at a time. A pass ends when a claim comes back empty (no more work), unless a wake-up
   * arrived meanwhile.
   */
  private async drain(group: string): Promise<void> {
    if (this.draining.get(group) !== undefined) {
      this.draining.set(group, true); // run once more when the current pass ends
      return;
    }
    this.draining.set(group, false);
    try {
      for (;;) {
        const batch = (this.groups.get(group) ?? []).filter((x) => !x.done).slice(0, CLAIMS_AT_ONCE);
        if (!batch.length) break;
        for (const w of batch) w.claiming = true;
        const found = await Promise.all(batch.map((w) => this.claimFor(group, w)));
        if (found.every(Boolean)) continue;
        if (this.draining.get(group)) {
          this.draining.set(group, false);
          continue;
        }
        break;
      }
    } finally {
      this.draining.delete(group);
    }
  }

  /** One waiter's claim; false when there was no task. A task whose poll ended meanwhile goes to another waiter. */
  private async claimFor(group: string, w: Waiter<T>): Promise<boolean> {
    let task: T | undefined;
    try {
      task = await w.claim();
    } catch (err) {
      w.claiming = false;
      w.fail(err); // e.g. the store is down: this poll answers with the error
      return true;
    }
    w.claiming = false;
    if (task === undefined) return false;
    // Not one whose own claim is in flight: it could get a second task, which would be lost.
    const target = w.done ? this.groups.get(group)?.find((x) => !x.done && !x.claiming) : w;
    if (target) {
      target.settle(task);
      return true;
    }
    await this.release(task);
    return false;
  }
}
