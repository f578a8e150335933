/**
 * Streams a child's stdout/stderr into files (appending; parent directories created) and a tail buffer. Data is
 * piped, never collected, so a flood of output costs neither memory nor the agent's responsiveness.
 */
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { OutputFileError } from './errors.js';
import { TailBuffer } from './tail-buffer.js';

/**
 * mkdir -p that cannot spin: Node 20's `mkdir(..., { recursive: true })` loops forever where creating a directory
 * fails with ENOENT although its parent exists (e.g. under /proc), and these paths come from users.
 */
export async function makeDirs(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw err;
    await makeDirs(parent);
    try {
      await mkdir(dir); // once more, and only once
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'EEXIST') throw again;
    }
  }
}

/** Open for append; the directories are made only when missing (the attempt's log directory usually exists). */
async function openAppend(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'a');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await makeDirs(dirname(path));
    return open(path, 'a');
  }
}

interface Sink {
  path: string;
  stream: Writable;
  error?: Error;
}

/** One output stream of the child, fanned out to every file it goes to. */
export class OutputFan {
  readonly tail: TailBuffer;
  private sinks: Sink[] = [];
  private source: Readable | undefined;

  private constructor(tailBytes: number) {
    this.tail = new TailBuffer(tailBytes);
  }

  /** Opens every path for append before anything runs, so a bad path fails the attempt without side effects. */
  static async open(paths: readonly string[], tailBytes: number): Promise<OutputFan> {
    const fan = new OutputFan(tailBytes);
    const unique = [...new Set(paths.map((p) => resolve(p)))];
    const handles: FileHandle[] = [];
    try {
      for (const path of unique) {
        try {
          handles.push(await openAppend(path));
        } catch (err) {
          const e = err as NodeJS.ErrnoException;
          throw new OutputFileError(path, e.code, `Cannot open output file ${path}: ${e.message}`);
        }
      }
    } catch (err) {
      await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
      throw err;
    }
    fan.sinks = unique.map((path, i) => ({ path, stream: handles[i].createWriteStream() }));
    return fan;
  }

  /** Starts copying `src` into the files and the tail; `onChunk` sees each chunk too (e.g. live log shipping). */
  attach(src: Readable, onChunk?: (chunk: Buffer) => void): void {
    this.source = src;
    src.on('data', (chunk: Buffer) => {
      this.tail.push(chunk);
      onChunk?.(chunk);
    });
    for (const sink of this.sinks) {
      // end: false: the files are ended by close(), after the source is done or abandoned.
      src.pipe(sink.stream, { end: false });
      sink.stream.on('error', (err: Error) => {
        // A full disk or a vanished directory must not stall the child: drop this file, keep reading.
        sink.error ??= err;
        src.unpipe(sink.stream);
        src.resume();
      });
    }
  }

  /**
   * Waits up to `timeoutMs` for the source to reach EOF (a process that escaped the group may still hold the
   * pipe open), then stops reading and flushes and closes the files.
   */
  async close(timeoutMs: number): Promise<void> {
    const src = this.source;
    if (src) {
      let timer: NodeJS.Timeout | undefined;
      const ended = await Promise.race([
        finished(src).then(
          () => true,
          () => true,
        ),
        new Promise<boolean>((res) => {
          timer = setTimeout(() => res(false), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (!ended) src.destroy();
    }
    await Promise.all(
      this.sinks.map(async (sink) => {
        if (src) src.unpipe(sink.stream);
        sink.stream.end();
        try {
          await finished(sink.stream);
        } catch (err) {
          sink.error ??= err as Error;
        }
      }),
    );
  }

  /** "path: message" for every file that failed while writing. */
  errors(): string[] {
    return this.sinks.filter((s) => s.error).map((s) => `${s.path}: ${s.error?.message}`);
  }
}
