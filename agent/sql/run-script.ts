/**
 * Runs a script's statements in order on one connection, binding `scriptArgument` values to the `?` placeholders
 * across the statements (the first statement's placeholders take the first values, and so on). Also the checks
 * SqlPrecondition, `taskrunner sql-check` and Exists share.
 */
import type { Connection, QueryResult, SqlValue } from './connection.js';
import { isDbError } from './connection.js';
import { SqlFailure, SqlStatementFailed } from './errors.js';
import { firstLine, placeholderOffsets, splitStatements } from './split-statements.js';
import type { Dialect } from './split-statements.js';

export interface BoundStatement {
  /** 1-based position in the script. */
  number: number;
  sql: string;
  params: string[];
}

/** Splits and binds; SqlArgumentMismatch (naming both counts) before anything runs when the counts differ. */
export function bindScript(script: string, dialect: Dialect, args: readonly string[], objectId: string): BoundStatement[] {
  const statements = splitStatements(script, dialect);
  if (statements.length === 0) throw new SqlFailure('InvalidSqlScript', `Object ${objectId}: the script has no statements`);
  let next = 0;
  const counts = statements.map((s) => placeholderOffsets(s, dialect).length);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== args.length) {
    throw new SqlFailure(
      'SqlArgumentMismatch',
      `Object ${objectId}: the script has ${total} ? placeholder(s) (${counts.map((c, i) => `statement ${i + 1}: ${c}`).join(', ')}) but ${args.length} scriptArgument value(s) were given`,
    );
  }
  return statements.map((sql, i) => {
    const params = args.slice(next, next + counts[i]);
    next += counts[i];
    return { number: i + 1, sql, params };
  });
}

/** The SqlStatementFailed for statement `s` of `of`, with its first line and the database's code and message. */
export function statementFailure(err: unknown, s: { number: number; sql: string }, of: number, objectId: string): Error {
  if (!isDbError(err)) return err as Error;
  // Statement 0 is one the agent adds before the script (Redshift's SET query_group).
  const which = s.number === 0 ? `the setup statement before the script` : `statement ${s.number} of ${of}`;
  return new SqlStatementFailed(
    `Object ${objectId}: ${which} failed${err.code ? ` (database error ${err.code})` : ''}: ${err.message}\n  statement ${s.number === 0 ? '(setup)' : s.number}: ${firstLine(s.sql)}`,
    err.code,
  );
}

export interface ScriptProgress {
  (s: BoundStatement, result: QueryResult, ms: number): void;
}

export async function runStatements(conn: Connection, statements: readonly BoundStatement[], objectId: string, onDone?: ScriptProgress): Promise<void> {
  for (const s of statements) {
    const t0 = Date.now();
    let r: QueryResult;
    try {
      r = await conn.query(s.sql, s.params);
    } catch (err) {
      throw statementFailure(err, s, statements.length, objectId);
    }
    onDone?.(s, r, Date.now() - t0);
  }
}

/** A first column that means "no": null, false, numeric zero (also as text), a zero BIT. */
export function isFalsy(v: SqlValue | undefined): boolean {
  if (v === null || v === undefined || v === false || v === 0) return true;
  if (typeof v === 'bigint') return v === 0n;
  if (typeof v === 'string') return /^\s*[-+]?0*(\.0*)?\s*$/.test(v) && /0/.test(v);
  if (Buffer.isBuffer(v)) return v.every((b) => b === 0);
  return false;
}

export interface CheckResult {
  met: boolean;
  /** Why, in words: "first row's first column is 3", "no rows", ... */
  detail: string;
}

function show(v: SqlValue | undefined): string {
  if (Buffer.isBuffer(v)) return `0x${v.toString('hex')}`;
  if (v instanceof Date) return v.toISOString();
  return v === null || v === undefined ? 'NULL' : JSON.stringify(typeof v === 'bigint' ? v.toString() : v);
}

/** The SqlPrecondition rule: met when some row's first column is not false/0/null. */
export async function checkQuery(conn: Connection, query: string, args: readonly string[], objectId: string): Promise<CheckResult> {
  const [s, ...more] = bindScript(query, conn.dialect, args, objectId);
  if (more.length > 0) throw new SqlFailure('InvalidSqlScript', `Object ${objectId}: the query must be one statement; it has ${more.length + 1}`);
  let r: QueryResult;
  try {
    r = await conn.query(s.sql, s.params);
  } catch (err) {
    throw statementFailure(err, s, 1, objectId);
  }
  if (r.columns.length === 0 && r.rows.length === 0) return { met: false, detail: 'the statement returned no result set' };
  if (r.rows.length === 0) return { met: false, detail: 'the query returned no rows' };
  const hit = r.rows.find((row) => !isFalsy(row[0]));
  if (hit) return { met: true, detail: `the query returned ${r.rows.length} row(s); first column ${show(hit[0])}` };
  return { met: false, detail: `the query returned ${r.rows.length} row(s), each with a false/0/NULL first column (${show(r.rows[0][0])})` };
}

/** Whether `table` (optionally in `schema`, else the connection's current one) exists, from information_schema. */
export async function tableExists(conn: Connection, table: string, schema?: string): Promise<boolean> {
  let t = table.trim();
  let sch = schema?.trim() || undefined;
  // "schema.table" in the table field, as users write it.
  const dot = /^([^.]+)\.([^.]+)$/.exec(t);
  if (!sch && dot) {
    sch = dot[1];
    t = dot[2];
  }
  const unq = (s: string) => s.replace(/^["`[](.*)["`\]]$/, '$1');
  t = unq(t);
  sch = sch ? unq(sch) : undefined;
  const current = { mysql: 'DATABASE()', postgres: 'current_schema()', sqlserver: 'SCHEMA_NAME()' }[conn.dialect];
  // PostgreSQL folds unquoted names to lower case; a mixed-case name the user wrote unquoted means the lower one.
  const cmp = conn.dialect === 'postgres' ? '(table_name = ? OR table_name = lower(?))' : 'table_name = ?';
  const sql = `SELECT COUNT(*) FROM information_schema.tables WHERE ${cmp} AND table_schema = ${sch ? '?' : current}`;
  const params = conn.dialect === 'postgres' ? [t, t] : [t];
  if (sch) params.push(sch);
  const r = await conn.query(sql, params);
  return !isFalsy(r.rows[0]?.[0]);
}
