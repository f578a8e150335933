/**
 * Reused part buffers for uploads (multipart.ts: files and streams). A fresh 8 MiB Buffer per part, or even per upload, is
 * external memory that V8 frees only at a full GC, which it starts after about 64 MiB of it has accumulated: dead
 * parts then add up to 64 MiB to the RSS. Handing the same few Buffers from one part, and one upload, to the next
 * avoids that. The pool keeps at most `max` idle Buffers and drops them after `idleMs` unused (2 s: long enough
 * for the next file of a staging or of a copy, short enough that an agent that uploaded once, or goes on to a
 * download, does not hold 32 MiB it no longer uses).
 */

/** Schedules `fn` after `ms`; returns a cancel function. Injectable so tests need no real time. */
export type Schedule = (fn: () => void, ms: number) => () => void;

const realSchedule: Schedule = (fn, ms) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

export class PartBufferPool {
  private idle: Buffer[] = [];
  private cancelDrop: (() => void) | undefined;

  constructor(
    readonly size: number,
    readonly max: number,
    private readonly idleMs = 2_000,
    private readonly schedule: Schedule = realSchedule,
  ) {}

  /** A Buffer of `size` bytes, its content undefined. */
  take(): Buffer {
    return this.idle.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  /**
   * Gives back a Buffer nothing references any more (its request has settled successfully: an aborted request's
   * socket may not have let go of it, so the caller drops those instead).
   */
  give(buf: Buffer): void {
    if (buf.length !== this.size || this.idle.length >= this.max || this.idle.includes(buf)) return;
    this.idle.push(buf);
    this.cancelDrop?.();
    this.cancelDrop = this.schedule(() => {
      this.idle = [];
      this.cancelDrop = undefined;
    }, this.idleMs);
  }

  /** Idle Buffers held (tests). */
  get held(): number {
    return this.idle.length;
  }
}
