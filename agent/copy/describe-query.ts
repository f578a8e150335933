/**
 * The columns a copy's query returns, read without running it (a zero-row select around it), and checked against
 * the columns the output's data format declares: what the server-text paths (pg-text.ts, mysql-text.ts) decide on.
 */
import type { NodeEncoding } from '../formats/registry.js';
import type { Column, Connection } from '../sql/connection.js';

export async function describeQuery(conn: Connection, query: string, enc: NodeEncoding): Promise<{ columns?: Column[]; reason?: string }> {
  let columns: Column[];
  try {
    columns = (await conn.query(`select * from (\n${query}\n) datapipe_describe limit 0`)).columns;
  } catch {
    return { reason: 'the query could not be described as a subquery' };
  }
  const declared = enc.format.columns;
  if (declared && declared.length !== columns.length) return { reason: 'the data format declares another number of columns' };
  return { columns };
}
