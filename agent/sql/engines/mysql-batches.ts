/**
 * The rows of a running mysql2 query in batches, with the protocol's flow control: rows are collected from the
 * query's `result` events into arrays of BATCH, and the connection is paused (mysql2 queues the packets it
 * already has) while MAX_READY batches wait for the consumer. One async step per batch: a Readable in object
 * mode read with `for await` costs more per row than parsing the row.
 */
import type { Connection as MyConn, FieldPacket, Query } from 'mysql2';
import type { SqlValue } from '../connection.js';

const BATCH = 1000;
const MAX_READY = 2;

/**
 * The batches of `q` (rowsAsArray) as they arrive; `onFields` gets the columns. The query's errors, and the
 * connection's (a connection lost while paused is reported on the connection, not on the query), are thrown as
 * they are: the caller maps them.
 */
export async function* queryBatches(conn: MyConn, q: Query, onFields: (f: FieldPacket[]) => void): AsyncGenerator<SqlValue[][]> {
  let current: SqlValue[][] = [];
  const ready: SqlValue[][][] = [];
  let ended = false;
  let failure: { err: unknown } | undefined;
  let paused = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onRow = (row: unknown) => {
    current.push(row as SqlValue[]);
    if (current.length < BATCH) return;
    ready.push(current);
    current = [];
    if (ready.length >= MAX_READY && !paused) {
      paused = true;
      conn.pause();
    }
    notify();
  };
  const onEnd = () => {
    if (current.length > 0) ready.push(current);
    current = [];
    ended = true;
    notify();
  };
  const onError = (err?: Error) => {
    failure ??= { err: err ?? new Error('Connection lost: The server closed the connection.') };
    ended = true;
    notify();
  };
  q.on('fields', onFields);
  q.on('result', onRow);
  q.on('end', onEnd);
  q.on('error', onError);
  conn.once('error', onError);
  conn.once('end', onError);
  try {
    for (;;) {
      if (failure) throw failure.err;
      const batch = ready.shift();
      if (batch) {
        if (paused && ready.length < MAX_READY) {
          paused = false;
          // May emit rows (and the end) at once, from the packets mysql2 held while paused.
          conn.resume();
        }
        yield batch;
      } else if (ended) return;
      else await new Promise<void>((r) => (wake = r));
    }
  } finally {
    q.off('fields', onFields);
    q.off('result', onRow);
    q.off('end', onEnd);
    // The query's error listener stays: a late error with none would be thrown by its EventEmitter.
    conn.off('error', onError);
    conn.off('end', onError);
    if (paused) conn.resume();
  }
}
