/**
 * `COPY (<query>) TO STDOUT` in text format through pg-copy-streams (loaded on first use): the server writes the
 * text (its types' output functions, its escaping) and the agent only moves bytes. pg-copy-streams takes the
 * socket over for the COPY's data messages, hands them on in one Buffer per socket read (not one per row), reads
 * the socket only as fast as the consumer takes them, and gives the socket back to pg for the statement's end
 * (or an ErrorResponse, which pg then reports on the stream).
 */
import type { Client } from 'pg';

/** What the COPY needs of its PgConnection. */
export interface CopyHost {
  client: Client;
  /** Throws when the connection cannot run a statement (aborted, closed, lost). */
  check(): void;
  /** Why the session ended, when it has. */
  lost(): Error | undefined;
  /** Counts the statement as running (abort then sends a cancel request). */
  busy(delta: number): void;
  /** The error to report for a failure of the COPY (SqlCanceled after an abort, else a DbError). */
  fail(err: unknown): Error;
  /** Makes the connection unusable after a COPY that did not run to its end. */
  discard(): void;
}

/** The delimiter as an SQL literal, `E'\xHH'`: no quoting question whatever the character. */
export function delimiterLiteral(d: string): string {
  const code = d.charCodeAt(0);
  if (d.length !== 1 || code >= 0x80) throw new RangeError(`a COPY delimiter must be one ASCII character, got ${JSON.stringify(d)}`);
  return `E'\\x${code.toString(16).padStart(2, '0')}'`;
}

/** The statement: the query on lines of its own, so a trailing `--` comment cannot swallow the `)`. */
export function copyStatement(sql: string, delimiter: string): string {
  return `COPY (\n${sql}\n) TO STDOUT WITH (FORMAT text, DELIMITER ${delimiterLiteral(delimiter)})`;
}

export async function* copyOutChunks(host: CopyHost, sql: string, delimiter: string): AsyncGenerator<Buffer> {
  const text = copyStatement(sql, delimiter);
  host.check();
  const { to } = await import('pg-copy-streams');
  host.check();
  const stream = host.client.query(to(text));
  // pg's client-side query timeout (JDBC socketTimeout) clears its timer through the query's callback, which
  // pg-copy-streams never calls.
  const settled = () => (stream as { callback?: (err?: Error) => void }).callback?.();
  // pg fails the active query when the socket ends, but only on the next tick: this covers a session already gone.
  const onEnd = () => stream.destroy(host.lost() ?? new Error('Connection terminated unexpectedly'));
  host.client.once('end', onEnd);
  host.busy(1);
  let complete = false;
  try {
    for await (const chunk of stream) yield chunk as Buffer;
    complete = true;
  } catch (err) {
    throw host.fail(err);
  } finally {
    host.client.off('end', onEnd);
    host.busy(-1);
    settled();
    if (!complete) {
      stream.destroy();
      host.discard();
    }
  }
}
