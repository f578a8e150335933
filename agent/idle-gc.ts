/**
 * Gives memory back after work. V8 grows its heap while the agent is busy (each poll and task leaves garbage of
 * the SDK's requests) and shrinks it only from its memory reducer, which a full collection arms: a heap grown by
 * young-generation collections alone can stay at its peak for as long as the agent idles (measured: 88-101 MiB
 * 30 s after 10,000 empty polls, against 61 MiB before them). So once no task runs, and there was enough work
 * since the last time, the agent runs one full collection itself. It needs `gc`, which node exposes with
 * `--expose-gc` (systemd/taskrunner.service passes it); without it this does nothing.
 */

export interface IdleGcOptions {
  /** How often to look; a collection happens at most this often. */
  checkMs: number;
  /** Polls that, with no task since the last collection, make one worth it (idle polls leave little each). */
  pollsPerCollection: number;
  /** True while an attempt runs: never collect then (a full collection pauses the main thread for 20-70 ms). */
  busy(): boolean;
  gc?: () => void;
  /** Called after each collection (tests, debug log). */
  onCollect?(): void;
}

type GcFunction = () => void;

/** The `gc` node exposes under `--expose-gc`, if any. */
export function exposedGc(): GcFunction | undefined {
  const g: unknown = (globalThis as { gc?: unknown }).gc;
  return typeof g === 'function' ? (g as GcFunction) : undefined;
}

export class IdleGc {
  private timer: NodeJS.Timeout | undefined;
  private polls = 0;
  private tasks = 0;

  constructor(private readonly o: IdleGcOptions) {}

  /** A poll came back (empty or not). */
  pollEnded(): void {
    this.polls++;
  }

  /** An attempt ended. */
  taskEnded(): void {
    this.tasks++;
  }

  start(): void {
    if (!this.o.gc || this.timer) return;
    this.timer = setInterval(() => this.check(), this.o.checkMs);
    // An idle agent is kept alive by its polls, not by this.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One look: collect if idle and there was work since the last collection. Returns whether it collected. */
  check(): boolean {
    if (!this.o.gc || this.o.busy()) return false;
    if (this.tasks === 0 && this.polls < this.o.pollsPerCollection) return false;
    this.tasks = 0;
    this.polls = 0;
    this.o.gc();
    this.o.onCollect?.();
    return true;
  }
}
