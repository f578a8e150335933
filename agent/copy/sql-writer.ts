/**
 * The writing half of S3 -> SQL and SQL -> SQL: the output node's `insertQuery` (one `?` per column, bound in
 * order) run once per record.
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
  try {
    for await (const r of records) {
      if (r.values.length !== t.placeholders) {
        throw new CopyFailure(
          'ColumnCountMismatch',
          `${id}.insertQuery: ${r.origin()} has ${r.values.length} value${r.values.length === 1 ? '' : 's'} but the insertQuery has ${t.placeholders} ? placeholder${t.placeholders === 1 ? '' : 's'}`,
        );
      }
      try {
        await conn.query(t.insert, r.values);
      } catch (err) {
        throw sqlFailure(err, id, `insertQuery for ${r.origin()} on ${n.where}`);
      }
      written++;
      progress.records = written;
    }
    await conn.commit().catch((err: unknown) => {
      throw sqlFailure(err, id, `committing ${written} rows on ${n.where}`);
    });
  } catch (err) {
    // Best effort: after a lost connection the server rolls back by itself.
    await conn.rollback().catch(() => {});
    throw err;
  }
  return written;
}
