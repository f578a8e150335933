/**
 * When S3 -> PostgreSQL may load with `COPY <table> (<columns>) FROM STDIN` instead of the insertQuery: the
 * insertQuery has the simple form sql-batch.ts batches (`insert into <table> [(<columns>)] values (?, ..., ?)`,
 * plain identifiers only), and the table is an ordinary or partitioned table without INSERT rules (COPY ignores
 * rules; views and foreign tables keep the insertQuery), without row-level security (COPY FROM refuses it) and
 * without GENERATED ALWAYS identity columns (COPY stores the values an INSERT of them refuses). Without a column list, the insertQuery binds the
 * table's first columns, so those are named. Anything else keeps the insertQuery path (sql-writer.ts), which
 * also reports any error the insertQuery itself has, as before.
 */
import { delimiterLiteral } from '../sql/engines/pg-copy-out.js';
import { simpleInsertHead } from './sql-batch.js';
import type { InsertTarget } from './sql-writer.js';

const IDENT = String.raw`(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")`;
const TARGET = new RegExp(String.raw`^insert\s+into\s+(${IDENT}(?:\s*\.\s*${IDENT}){0,2})\s*(?:\(\s*(${IDENT}(?:\s*,\s*${IDENT})*)\s*\))?\s*values$`, 'i');

export interface CopyTarget {
  /** The statement for `delimiter` (one ASCII byte), text format, NULL as `\N`. */
  statement(delimiter: string): string;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The COPY statement for `t`, or the reason the insertQuery path is kept. */
export async function pgCopyTarget(t: InsertTarget): Promise<{ target?: CopyTarget; reason?: string }> {
  const { conn } = t;
  if (conn.kind !== 'postgres' || !conn.copyIn) return { reason: 'only PostgreSQL has COPY ... FROM STDIN' };
  const head = simpleInsertHead(t.insert, t.placeholders, conn.dialect);
  const m = head === undefined ? null : TARGET.exec(head);
  if (!m) return { reason: 'the insertQuery is not of the form insert into <table> (<columns>) values (?, ...)' };
  const table = m[1];
  let columns: string;
  let kind: string | undefined;
  let rules = false;
  let rowSecurity = false;
  let identityAlways = false;
  try {
    const r = await conn.query(
      `select c.relkind::text, exists (select 1 from pg_rewrite w where w.ev_class = c.oid and w.ev_type = '3'), c.relrowsecurity,
         exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attidentity = 'a')
       from pg_class c where c.oid = to_regclass(?)`,
      [table],
    );
    if (r.rows.length === 1) [kind, rules, rowSecurity, identityAlways] = r.rows[0] as [string, boolean, boolean, boolean];
    if (m[2] !== undefined) {
      columns = m[2];
      if ((columns.match(new RegExp(IDENT, 'g')) ?? []).length !== t.placeholders) return { reason: 'the column list and the ? placeholders differ in number' };
    } else {
      const names = (await conn.query(`select * from ${table} limit 0`)).columns.map((c) => c.name);
      if (names.length < t.placeholders) return { reason: 'the table has fewer columns than the insertQuery has ? placeholders' };
      columns = names.slice(0, t.placeholders).map(quoteIdent).join(', ');
    }
  } catch {
    return { reason: 'the table could not be described' };
  }
  if (kind !== 'r' && kind !== 'p') return { reason: `${table} is not a table` };
  if (rules) return { reason: `${table} has INSERT rules, which COPY does not apply` };
  if (rowSecurity) return { reason: `${table} has row-level security, which COPY FROM does not support` };
  if (identityAlways) return { reason: `${table} has a GENERATED ALWAYS identity column, whose values COPY would store where the insertQuery is refused` };
  return {
    target: {
      statement: (delimiter) => `COPY ${table} (${columns}) FROM STDIN WITH (FORMAT text, DELIMITER ${delimiterLiteral(delimiter)})`,
    },
  };
}
