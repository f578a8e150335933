/**
 * The writing half of S3 -> SQL and SQL -> SQL: the output node's `insertQuery` (one `?` per column, bound in
 * order) run once per record, or once per batch of records when it has the simple `insert ... values (?, ...)`
 * form (sql-batch.ts). When a batch fails, its records are replayed one at a time in a fresh transaction (rolled
 * back after) to name the record the database rejects; without a connection, the batch's first record is named.
 *
 * Transactions: the whole copy is ONE transaction, committed after the last record. A failure anywhere (a bad
 * record, a rejected row, a lost connection, an abort) rolls it back, so the table holds either every record or
 * none of them, and a retried attempt does not insert the rows twice. Records are read from the source as the
 * inserts complete (one statement in flight: pg refuses pipelined queries), so memory stays constant.
 * `createTableSql` runs first, outside that transaction, when the table does not exist (MySQL commits DDL
 * anyway); a failed copy leaves the new, empty table in place.
 */
import type { ExecutionContext } from '../executors/executor.js';
import type { Connection, SqlValue } from '../sql/connection.js';
import { tableExists } from '../sql/run-script.js';
import { placeholderOffsets } from '../sql/split-statements.js';
import { CopyFailure } from './copier.js';
import { batchInsert, MAX_BATCH_CHARS } from './sql-batch.js';
import type { BatchInsert } from './sql-batch.js';
import type { CopyProgress } from './progress.js';
import { doing, sqlFailure } from './sql-node.js';
import type { SqlNode } from './sql-node.js';

/** One record to insert, with where it came from for messages (e.g. `s3://b/k.csv record 12`). */
export interface SourceRecord {
  values: SqlValue[];
  origin: () => string;
}

export interface InsertTarget {
  n: SqlNode;
  conn: Connection;
  insert: string;
  placeholders: number;
}

/** Checks the output node's insertQuery and runs its createTableSql when the table is missing. */
export async function prepareTarget(n: SqlNode, conn: Connection, ctx: ExecutionContext): Promise<InsertTarget> {
  const { node } = n;
  const insert = node.value('insertQuery')?.trim();
  if (!insert) {
    throw new CopyFailure('InvalidDataNode', `${node.id}.insertQuery: a ${node.type ?? 'SqlDataNode'} written by a CopyActivity needs an insertQuery (one ? per column)`);
  }
  const placeholders = placeholderOffsets(insert, conn.dialect).length;
  if (placeholders === 0) throw new CopyFailure('InvalidDataNode', `${node.id}.insertQuery: the statement has no ? placeholder: ${JSON.stringify(insert)}`);
  const create = node.value('createTableSql')?.trim();
  if (create) {
    const table = node.value('table')?.trim() ?? n.table;
    const schema = node.value('schemaName')?.trim() || undefined;
    let exists: boolean;
    try {
      exists = await tableExists(conn, table, schema);
    } catch (err) {
      throw sqlFailure(err, node.id, `checking whether table ${n.table} exists on ${n.where}`);
    }
    if (!exists) {
      ctx.log.info(`${node.id}: table ${n.table} does not exist; running createTableSql`);
      try {
        await conn.query(create);
      } catch (err) {
        throw sqlFailure(err, node.id, doing('createTableSql', create, n));
      }
    }
  }
  return { n, conn, insert, placeholders };
}

/** Inserts every record in one transaction (see the file comment); returns the number of rows written. */
export async function insertAll(t: InsertTarget, records: AsyncIterable<SourceRecord>, progress: CopyProgress): Promise<number> {
  const { conn, n } = t;
  const id = n.node.id;
  try {
    await conn.begin();
  } catch (err) {
    throw sqlFailure(err, id, `starting a transaction on ${n.where}`);
  }
  let written = 0;
  const batch = batchInsert(t.insert, t.placeholders, conn.dialect);
  let pending: SourceRecord[] = [];
  let chars = 0;
  // One batch in flight while the next is read and parsed from the source: the database and the agent work at
  // the same time. Only one statement is ever on the connection (pg refuses pipelined queries).
  let inFlight: Promise<void> | undefined;
  const settle = async () => {
    const p = inFlight;
    inFlight = undefined;
    if (p) await p;
  };
  const send = async () => {
    if (pending.length === 0) return;
    const rs = pending;
    pending = [];
    chars = 0;
    await settle();
    inFlight = insertBatch(t, batch, rs).then(() => {
      written += rs.length;
      progress.records = written;
    });
    inFlight.catch(() => {}); // awaited by the next send() or settle()
  };
  try {
    for await (const r of records) {
      if (r.values.length !== t.placeholders) {
        // The records before it go first: a failure among them is the one to report.
        await send();
        await settle();
        throw new CopyFailure(
          'ColumnCountMismatch',
          `${id}.insertQuery: ${r.origin()} has ${r.values.length} value${r.values.length === 1 ? '' : 's'} but the insertQuery has ${t.placeholders} ? placeholder${t.placeholders === 1 ? '' : 's'}`,
        );
      }
      pending.push(r);
      for (const v of r.values) chars += typeof v === 'string' || Buffer.isBuffer(v) ? v.length : 8;
      if (pending.length >= batch.rows || chars >= MAX_BATCH_CHARS) await send();
    }
    await send();
    await settle();
    await conn.commit().catch((err: unknown) => {
      throw sqlFailure(err, id, `committing ${written} rows on ${n.where}`);
    });
  } catch (err) {
    // A source error can arrive while a batch is in flight: it ends before the rollback is sent.
    await inFlight?.catch(() => {});
    // Best effort: after a lost connection the server rolls back by itself.
    await conn.rollback().catch(() => {});
    throw err;
  }
  return written;
}

/** One statement for `rs` (see the file comment for what a failure reports). */
async function insertBatch(t: InsertTarget, batch: BatchInsert, rs: SourceRecord[]): Promise<void> {
  const { conn, n } = t;
  const params = rs.length === 1 ? rs[0].values : rs.flatMap((r) => r.values);
  try {
    await conn.query(batch.sql(rs.length), params);
    return;
  } catch (err) {
    if (rs.length === 1) throw sqlFailure(err, n.node.id, `insertQuery for ${rs[0].origin()} on ${n.where}`);
    const culprit = await replay(t, rs);
    if (culprit !== undefined) throw culprit;
    throw sqlFailure(err, n.node.id, `insertQuery for ${rs[0].origin()} on ${n.where}`);
  }
}

/** The failed batch's records one by one in a new transaction: the first one's failure (a CopyFailure), or undefined. */
async function replay(t: InsertTarget, rs: SourceRecord[]): Promise<unknown> {
  const { conn, n } = t;
  try {
    await conn.rollback();
    await conn.begin();
  } catch {
    return undefined; // the connection is gone: the batch's own error is the one to report
  }
  for (const r of rs) {
    try {
      await conn.query(t.insert, r.values);
    } catch (err) {
      return sqlFailure(err, n.node.id, `insertQuery for ${r.origin()} on ${n.where}`);
    }
  }
  return undefined;
}
