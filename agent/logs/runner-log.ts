/**
 * The runner log, laid out like the jar's: `output/logs/TaskRunner.log`, a new file every UTC hour (the old one
 * renamed `TaskRunner.log.YYYY-MM-DD-HH` after the hour it covers), rotated files gzipped once their last line
 * is older than 8 hours (taskrunner.md 1.6). Lines look like log4j's:
 * `13 Aug 2017 14:43:36,891 [INFO] (TaskRunnerService-wg-0) df-0123 amazonaws.datapipeline.taskrunner.TaskPoller: text`.
 * A second transport writes the same lines to stdout (for journald: with `<N>` priority prefixes and no
 * timestamp, as journald adds its own). Every line goes through the redactor first.
 * Writes are synchronous: the volume is a few lines a minute, and a crash must not lose the last lines.
 */
import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import winston from 'winston';
import Transport from 'winston-transport';
import type { Logform } from 'winston';
import { createRedactor } from './redact.js';
import type { Redactor } from './redact.js';

export const LOG_FILE = 'TaskRunner.log';
const HOUR = 3_600_000;
const MESSAGE = Symbol.for('message'); // triple-beam's key for the formatted line
const ROTATED = /^TaskRunner\.log\.(\d{4})-(\d\d)-(\d\d)-(\d\d)(?:\.\d+)?$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LEVELS: Record<string, [string, number]> = {
  error: ['ERROR', 3],
  warn: ['WARN', 4],
  info: ['INFO', 6],
  http: ['INFO', 6],
  verbose: ['DEBUG', 7],
  debug: ['DEBUG', 7],
  silly: ['TRACE', 7],
};
/** Keys the line format places itself; anything else is appended as JSON. */
const PLACED = new Set(['level', 'message', 'timestamp', 'slot', 'pipelineId', 'logger', 'thread', 'stack']);

export interface RunnerLogOptions {
  /** The --output directory; the log goes to `<outputDir>/logs/TaskRunner.log`. */
  outputDir: string;
  workerGroup: string;
  level?: string;
  /** Epoch ms; drives timestamps and rotation. Default Date.now. */
  now?: () => number;
  /** Default process.stdout; false for none. */
  stdout?: NodeJS.WritableStream | false;
  /** Format stdout for journald (set when JOURNAL_STREAM is in the environment). */
  journald?: boolean;
  redactor?: Redactor;
  /** Default 8 hours. */
  gzipAfterMs?: number;
  /** How often a timer checks for rotation; 0 for none (tests call rotateNow). Default 60 s. */
  checkEveryMs?: number;
  /** A failed write or gzip. Default: one line on stderr. Logging never throws. */
  onError?: (e: Error) => void;
}

export interface RunnerLog {
  /** `logger.child({ slot, pipelineId, logger: 'amazonaws.datapipeline.taskrunner.TaskPoller' })` sets the thread, pipeline and logger name. */
  logger: winston.Logger;
  /** Rotate if the hour changed, then gzip rotated files old enough. */
  rotateNow(): Promise<void>;
  close(): Promise<void>;
  readonly path: string;
}

export function createRunnerLogger(opts: RunnerLogOptions): RunnerLog {
  const now = opts.now ?? Date.now;
  const redactor = opts.redactor ?? createRedactor();
  const onError = opts.onError ?? ((e: Error) => process.stderr.write(`taskrunner: runner log: ${e.message}\n`));
  const file = new HourlyFile(join(opts.outputDir, 'logs'), now, opts.gzipAfterMs ?? 8 * HOUR, onError);

  const redactInfo = winston.format((info) => {
    for (const key of Object.keys(info)) if (key !== 'level') info[key] = redactor.redactValue(info[key]);
    info.timestamp = now();
    return info;
  });
  const line = (journald: boolean) =>
    winston.format.printf((info) => formatLine(info, opts.workerGroup, journald));

  const transports: Transport[] = [new FileTransport(file, line(false))];
  const out = opts.stdout === undefined ? process.stdout : opts.stdout;
  if (out) transports.push(new winston.transports.Stream({ stream: out, format: line(opts.journald ?? false) }));
  const logger = winston.createLogger({
    level: opts.level ?? 'info',
    format: winston.format.combine(winston.format.errors({ stack: true }), redactInfo()),
    transports,
  });

  const timer = opts.checkEveryMs === 0 ? undefined : setInterval(() => void file.rotateNow(), opts.checkEveryMs ?? 60_000);
  timer?.unref();
  return {
    logger,
    path: file.path,
    rotateNow: () => file.rotateNow(),
    async close() {
      if (timer) clearInterval(timer);
      await new Promise<void>((resolve) => {
        logger.on('finish', () => resolve());
        logger.end();
      });
      await file.close();
    },
  };
}

export function formatLine(info: Logform.TransformableInfo, workerGroup: string, journald: boolean): string {
  const [name, prio] = LEVELS[info.level] ?? [info.level.toUpperCase(), 6];
  const thread = typeof info.thread === 'string' ? info.thread : info.slot !== undefined ? `TaskRunnerService-${workerGroup}-${String(info.slot)}` : 'main';
  const pipelineId = typeof info.pipelineId === 'string' && info.pipelineId ? info.pipelineId : '-';
  const loggerName = typeof info.logger === 'string' ? info.logger : 'amazonaws.datapipeline.taskrunner.TaskRunnerService';
  const message = typeof info.message === 'string' ? info.message : JSON.stringify(info.message);
  const meta: Record<string, unknown> = {};
  let metaStack: string | undefined;
  for (const [k, v] of Object.entries(info)) {
    if (PLACED.has(k) || v === undefined) continue;
    if (v instanceof Error) {
      meta[k] = `${v.name}: ${v.message}`;
      metaStack ??= v.stack;
    } else meta[k] = v;
  }
  const extra = Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : '';
  const stackText = typeof info.stack === 'string' ? info.stack : metaStack;
  const stack = stackText && !message.includes(stackText) ? `\n${stackText}` : '';
  const body = `[${name}] (${thread}) ${pipelineId} ${loggerName}: ${message}${extra}${stack}`;
  return journald ? `<${prio}>${body}` : `${log4jTime(typeof info.timestamp === 'number' ? info.timestamp : Date.now())} ${body}`;
}

/** `dd MMM yyyy HH:mm:ss,SSS`, UTC (the file names use UTC hours too). */
export function log4jTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())},${p(d.getUTCMilliseconds(), 3)}`;
}

/** `TaskRunner.log.YYYY-MM-DD-HH` for the UTC hour containing `ms`. */
export function rotatedName(ms: number): string {
  return `${LOG_FILE}.${new Date(Math.floor(ms / HOUR) * HOUR).toISOString().slice(0, 13).replace('T', '-')}`;
}

class FileTransport extends Transport {
  constructor(
    private readonly file: HourlyFile,
    format: Logform.Format,
  ) {
    super({ format });
  }
  override log(info: Logform.TransformableInfo, next: () => void): void {
    this.file.write(`${String(info[MESSAGE])}\n`);
    next();
  }
}

/** TaskRunner.log and its hourly rotation, on an injectable clock. */
class HourlyFile {
  readonly path: string;
  private fd: number | undefined;
  private hour: number;
  private sweeping: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly now: () => number,
    private readonly gzipAfterMs: number,
    private readonly onError: (e: Error) => void,
  ) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, LOG_FILE);
    // A file left by an earlier run belongs to the hour it was last written in.
    this.hour = Math.floor((existsSync(this.path) ? statSync(this.path).mtimeMs : now()) / HOUR);
    this.fd = openSync(this.path, 'a');
  }

  write(text: string): void {
    try {
      this.rotateIfDue();
      if (this.fd !== undefined) writeSync(this.fd, text);
    } catch (e) {
      this.onError(e as Error);
    }
  }

  async rotateNow(): Promise<void> {
    try {
      this.rotateIfDue();
    } catch (e) {
      this.onError(e as Error);
    }
    await this.sweep();
  }

  async close(): Promise<void> {
    await this.sweeping;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private rotateIfDue(): void {
    const hour = Math.floor(this.now() / HOUR);
    if (hour === this.hour || this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    if (statSync(this.path).size > 0) renameSync(this.path, this.freeName(rotatedName(this.hour * HOUR)));
    this.fd = openSync(this.path, 'a');
    this.hour = hour;
    void this.sweep();
  }

  /** A name not yet used, also not as .gz (a clock set back can revisit an hour). */
  private freeName(base: string): string {
    const taken = (n: string): boolean => existsSync(join(this.dir, n)) || existsSync(join(this.dir, `${n}.gz`));
    let name = base;
    for (let i = 1; taken(name); i++) name = `${base}.${i}`;
    return join(this.dir, name);
  }

  /** Gzip every rotated file whose hour ended more than gzipAfterMs ago; one sweep at a time. */
  private sweep(): Promise<void> {
    this.sweeping = this.sweeping.then(async () => {
      const cutoff = this.now() - this.gzipAfterMs;
      for (const name of readdirSync(this.dir)) {
        const m = ROTATED.exec(name);
        if (!m || Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4]) + HOUR > cutoff) continue;
        const src = join(this.dir, name);
        try {
          await pipeline(createReadStream(src), createGzip(), createWriteStream(`${src}.gz.tmp`));
          renameSync(`${src}.gz.tmp`, `${src}.gz`);
          unlinkSync(src);
        } catch (e) {
          this.onError(e as Error);
        }
      }
    });
    return this.sweeping;
  }
}
