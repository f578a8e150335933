/**
 * Upload of a stream (CopyActivity outputs, SQL exports, gzipped logs) without lib-storage: the incoming chunks
 * are copied into the current part buffer, and a full one is sent while the next fills (multipart.ts: at most
 * `queueSize` buffers, each filling or in flight, reused from part to part and taken from the shared pool). While
 * every buffer is in flight the stream is not read, so backpressure reaches its source. A stream that ends within
 * its first part is one PutObject of its exact length (an empty stream, an empty object). The stream is read,
 * never destroyed: as with lib-storage, the caller owns it (and destroys it when the upload fails).
 */
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { MAX_PARTS, multipart, putSingle, UploadAbortedError } from './multipart.js';
import type { FilledPart, PartSource, UploadJob } from './multipart.js';
import { linkedAbort } from './workers.js';

type Sdk = typeof import('@aws-sdk/client-s3');

export interface StreamUploadJob extends UploadJob {
  source: Readable;
}

/** `p`, or the signal's reason as soon as it aborts: a stalled source must not hold up a failure or a cancel. */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e as Error)),
    );
  });
}

const asBuffer = (v: unknown): Buffer =>
  Buffer.isBuffer(v) ? v : v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : Buffer.from(String(v));

/** The stream's parts in order: one worker fills at a time, the others wait their turn (holding no buffer). */
class StreamParts implements PartSource {
  private readonly chunks: AsyncIterator<unknown>;
  /** What is left of the last chunk read. */
  private rest: Buffer | undefined;
  private ended = false;
  private parts = 0;
  private turn: Promise<unknown> = Promise.resolve();

  constructor(source: Readable) {
    this.chunks = source[Symbol.asyncIterator]();
  }

  fill(take: () => Buffer, signal: AbortSignal): Promise<FilledPart | undefined> {
    const p = this.turn.then(() => this.fillNow(take, signal));
    this.turn = p.catch(() => undefined);
    return p;
  }

  /** Whether the stream ends with what was filled so far (reads one chunk ahead to know). */
  async atEnd(signal: AbortSignal): Promise<boolean> {
    this.rest ??= await this.next(signal);
    return this.rest === undefined;
  }

  private async fillNow(take: () => Buffer, signal: AbortSignal): Promise<FilledPart | undefined> {
    let buf: Buffer | undefined;
    let len = 0;
    while ((buf === undefined || len < buf.length) && !signal.aborted) {
      const chunk = this.rest ?? (await this.next(signal));
      if (!chunk) break;
      buf ??= take();
      const n = chunk.copy(buf, len);
      len += n;
      this.rest = n < chunk.length ? chunk.subarray(n) : undefined;
    }
    if (!buf || len === 0 || signal.aborted) return undefined;
    if (++this.parts > MAX_PARTS) throw new Error(`the stream is longer than ${MAX_PARTS} parts of ${buf.length} bytes, the most one upload can have`);
    return { number: this.parts, body: buf.subarray(0, len), buf };
  }

  private async next(signal: AbortSignal): Promise<Buffer | undefined> {
    if (this.ended) return undefined;
    try {
      const r = await abortable(this.chunks.next(), signal);
      if (!r.done) return asBuffer(r.value);
    } catch (err) {
      this.ended = true; // the parts waiting their turn get none
      throw err;
    }
    this.ended = true;
    return undefined;
  }
}

export async function uploadStream(client: S3Client, sdk: Sdk, j: StreamUploadJob): Promise<void> {
  const { ac, done } = linkedAbort(j.signal);
  const pool = j.pool?.size === j.partSize ? j.pool : undefined;
  const source = new StreamParts(j.source);
  try {
    const part = await source.fill(() => (pool ? pool.take() : Buffer.allocUnsafeSlow(j.partSize)), ac.signal);
    if (ac.signal.aborted) throw new UploadAbortedError(ac.signal.reason);
    if (!part || part.body.length < part.buf.length || (await source.atEnd(ac.signal))) {
      await putSingle(client, sdk, j, part?.body ?? Buffer.alloc(0), ac, pool ? part?.buf : undefined);
      return;
    }
    await multipart(client, sdk, j, source, ac, part);
  } catch (err) {
    throw j.signal?.aborted && !(err instanceof UploadAbortedError) ? new UploadAbortedError(j.signal.reason) : err;
  } finally {
    done();
  }
}
