/**
 * A log line every few seconds for a long transfer: bytes done, rate, and an estimate of the time left when
 * the total is known. The timer is injectable so tests drive it without waiting.
 */

export type ProgressFn = (bytesDone: number, totalBytes?: number) => void;

export interface ProgressTimer {
  /** Calls `fn` every `ms`; returns a function that stops it. */
  every(ms: number, fn: () => void): () => void;
  now(): number;
}

export const realTimer: ProgressTimer = {
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
  now: () => Date.now(),
};

export interface ProgressLog {
  /** Pass to a transfer as its onProgress. */
  readonly update: ProgressFn;
  /** Stops the timer; logs a final line when anything was logged before. */
  done(): void;
}

export const DEFAULT_PROGRESS_MS = 5_000;

export function progressLog(info: (line: string) => void, label: string, o: { intervalMs?: number; timer?: ProgressTimer } = {}): ProgressLog {
  const timer = o.timer ?? realTimer;
  const started = timer.now();
  let bytes = 0;
  let total: number | undefined;
  let lastLogged = -1;
  const line = (): string => {
    const secs = Math.max((timer.now() - started) / 1000, 0.001);
    const rate = bytes / secs;
    const of = total !== undefined ? ` of ${formatBytes(total)} (${total > 0 ? Math.floor((bytes / total) * 100) : 100}%)` : '';
    const eta = total !== undefined && rate > 0 && bytes < total ? `, about ${formatSeconds((total - bytes) / rate)} left` : '';
    return `${label}: ${formatBytes(bytes)}${of} at ${formatBytes(rate)}/s${eta}`;
  };
  const stop = timer.every(o.intervalMs ?? DEFAULT_PROGRESS_MS, () => {
    if (bytes === lastLogged) return;
    lastLogged = bytes;
    info(line());
  });
  return {
    update(b, t) {
      bytes = b;
      if (t !== undefined) total = t;
    },
    done() {
      stop();
      if (lastLogged >= 0 && lastLogged !== bytes) info(line());
    },
  };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
