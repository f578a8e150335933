/**
 * `COPY ... FROM STDIN` through pg-copy-streams (loaded on first use): the caller's chunks go to the server as
 * CopyData messages, one per chunk, written only as fast as the socket takes them (constant memory).
 *
 * Why the stream is handled by hand rather than with pipeline(): after the server's ErrorResponse
 * pg-copy-streams drops its connection, and destroying the stream then would send a CopyFail through it (a
 * TypeError). So the stream is destroyed (CopyFail, the server answers with an error and the session is idle
 * again) only when the data fails first; after a server error the loop just stops.
 */
import type { CopyHost } from './pg-copy-out.js';

export async function copyInChunks(host: CopyHost, sql: string, data: AsyncIterable<Buffer>): Promise<number> {
  host.check();
  const { from } = await import('pg-copy-streams');
  host.check();
  const stream = host.client.query(from(sql));
  let failure: { err: unknown } | undefined;
  let wake = () => {};
  const onError = (err: unknown) => {
    failure ??= { err };
    wake();
  };
  // pg fails the active query when the socket ends, but not always before the next write is awaited.
  const onEnd = () => onError(host.lost() ?? new Error('Connection terminated unexpectedly'));
  stream.on('error', onError);
  host.client.once('end', onEnd);
  /** Resolves on `event`, or at once when the COPY has failed. */
  const until = (event: 'drain' | 'finish' | 'close') =>
    new Promise<void>((resolve) => {
      if (failure) return resolve();
      const done = () => {
        stream.off(event, done);
        wake = () => {};
        resolve();
      };
      wake = done;
      stream.once(event, done);
    });
  const it = data[Symbol.asyncIterator]();
  let sourceDone = false;
  host.busy(1);
  try {
    for (;;) {
      let r: IteratorResult<Buffer>;
      try {
        r = await it.next();
      } catch (err) {
        sourceDone = true;
        if (!failure && usable(host)) {
          stream.destroy(new Error('the data for the COPY could not be read'));
          await until('close');
        }
        throw err;
      }
      if (r.done) {
        sourceDone = true;
        break;
      }
      if (failure) break;
      if (!stream.write(r.value)) await until('drain');
      if (failure) break;
    }
    if (!failure) {
      stream.end();
      await until('finish');
    }
    if (failure) throw host.fail(failure.err);
    return stream.rowCount;
  } finally {
    host.busy(-1);
    host.client.off('end', onEnd);
    // The server failed first: the data is not read further (its own cleanup runs, e.g. an S3 body is closed).
    if (!sourceDone) await it.return?.().catch(() => {});
  }
}

function usable(host: CopyHost): boolean {
  try {
    host.check();
    return true;
  } catch {
    return false;
  }
}
