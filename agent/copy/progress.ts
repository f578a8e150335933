/**
 * Progress of a long copy: a log line every few seconds with bytes read, records and the rates, so a user
 * watching the log sees it move (the task's keep-alive to the service runs on its own in task.ts).
 */
import { DEFAULT_PROGRESS_MS, formatBytes, realTimer } from '../s3/progress.js';
import type { ProgressTimer } from '../s3/progress.js';
import type { CopyOptions } from './copier.js';

export class CopyProgress {
  bytes = 0;
  records = 0;
  objects = 0;
  /** Total bytes to read when known (server-side copies and record copies both know their sources' sizes). */
  total?: number;
  private readonly started: number;
  private readonly stop: () => void;
  private logged = false;
  private lastLine = '';

  constructor(
    private readonly info: (line: string) => void,
    private readonly label: string,
    o: CopyOptions,
  ) {
    const timer: ProgressTimer = o.timer ?? realTimer;
    this.now = () => timer.now();
    this.started = timer.now();
    this.stop = timer.every(o.progressIntervalMs ?? DEFAULT_PROGRESS_MS, () => this.tick());
  }

  private readonly now: () => number;

  /** The current line, e.g. `copy: 3 objects, 12.0 MiB of 40.0 MiB (30%), 120000 records, 4.0 MiB/s, 40000 records/s`. */
  line(): string {
    const secs = Math.max((this.now() - this.started) / 1000, 0.001);
    const of = this.total !== undefined && this.total > 0 ? ` of ${formatBytes(this.total)} (${Math.floor((this.bytes / this.total) * 100)}%)` : '';
    const recs = this.records > 0 ? `, ${this.records} records` : '';
    const recRate = this.records > 0 ? `, ${Math.round(this.records / secs)} records/s` : '';
    return `${this.label}: ${this.objects} object${this.objects === 1 ? '' : 's'}, ${formatBytes(this.bytes)}${of}${recs}, ${formatBytes(this.bytes / secs)}/s${recRate}`;
  }

  private tick(): void {
    const l = this.line();
    // Nothing moved since the last line: say nothing rather than repeat it (rates would only drop).
    const key = `${this.objects}/${this.bytes}/${this.records}`;
    if (key === this.lastLine) return;
    this.lastLine = key;
    this.logged = true;
    this.info(l);
  }

  /** Stops the timer; a final line when progress lines were logged before. */
  done(): void {
    this.stop();
    if (this.logged) this.tick();
  }
}
