/**
 * SQL -> S3 from MySQL/MariaDB without a JavaScript value per column: when the output is CSV or TSV (escaped.ts)
 * and every column of the query has a server text that is already what render.ts writes, the query is wrapped
 * so the server returns ONE binary value per row that is the record's text, escaped, without its LF:
 *
 *   with datapipe_rows(c1, ..., cn) as (<query>)
 *   select concat_ws(<sep>, ifnull(<escaped text of c1>, '\N'), ...) from datapipe_rows
 *
 * and the agent only appends the LFs (lineChunks). The value is a binary string, so mysql2 hands it over as a
 * Buffer view of its packet: no string per value, no rendering, no UTF-8 encoding.
 *
 * Why the bytes are the same as the row path's (render.ts + escapedEncoder), by mysql2's text parser:
 * - integers (not ZEROFILL, not YEAR): mysql2 parses a number, render.ts writes String(n): the server's digits.
 *   DECIMAL and BIGINT arrive as the server's text (decimalNumbers off, bigNumberStrings on).
 * - DATE, DATETIME, TIMESTAMP, TIME arrive as the server's text (dateStrings); render.ts drops the trailing zeros
 *   of a fraction (and the `.` when it is all zeros): TRIM does the same here, for fractions of 1 to 6 digits.
 * - character strings: mysql2 decodes the session's character_set_results, which must be utf8mb4, so the text is
 *   CONVERT(... USING utf8mb4) byte for byte. NULL-typed columns are always NULL.
 * - escaping: REPLACE on binary strings is byte-wise, in the order `\` first, then separator, LF, CR, which is
 *   escapedEncoder's result; numbers and times can only hold the separator when it is a digit, `-`, `.`, `:`, ` `.
 * Everything else takes the row path: FLOAT/DOUBLE (JavaScript's number text), BIT, YEAR, JSON (MySQL's type),
 * binary strings (hex), ZEROFILL numbers, MariaDB's extended types, strings in another session charset, lines
 * that could exceed max_allowed_packet (the server would return NULL), and queries whose row order a wrapping
 * query may not keep (ORDER BY / GROUP BY anywhere in them: MariaDB ignores ORDER BY in a derived table).
 */
import type { EscapedLayout } from '../formats/format.js';
import type { NodeEncoding } from '../formats/registry.js';
import { DbError } from '../sql/connection.js';
import type { Connection, MysqlField, RowStream } from '../sql/connection.js';
import { lex } from '../sql/split-statements.js';
import { describeQuery } from './describe-query.js';

export interface MysqlTextPlan {
  /** The wrapping query: one binary value per row, the record's text without its record separator. */
  query: string;
}

// mysql2 / protocol column types.
const INTEGER_TYPES = new Set([1, 2, 3, 8, 9]); // TINY, SHORT, LONG, LONGLONG, INT24
const DECIMAL_TYPES = new Set([0, 246]); // DECIMAL, NEWDECIMAL
const TEMPORAL_TYPES = new Set([7, 10, 11, 12]); // TIMESTAMP, DATE, TIME, DATETIME (as sent on the wire)
const STRING_TYPES = new Set([15, 247, 248, 249, 250, 251, 252, 253, 254]); // VARCHAR, ENUM, SET, *BLOB/TEXT, VAR_STRING, STRING
const NULL_TYPE = 6;
const ZEROFILL_FLAG = 64;
const BINARY_CHARSET = 63;
/** Characters of numbers and times (`-12:00:00.5`, `2026-01-02 03:04:05`): a separator among them is escaped. */
const NUMERIC_CHARS = /[0-9 .:+-]/;

type Kind = 'text' | 'number' | 'temporal' | 'null';

/** Why a column's text cannot come from the server, or its kind. */
function kindOf(f: MysqlField | undefined): Kind | string {
  if (!f) return 'its type is unknown';
  if (f.extended) return `its type is ${f.extended}`;
  if (f.type === NULL_TYPE) return 'null';
  if (INTEGER_TYPES.has(f.type) || DECIMAL_TYPES.has(f.type)) return f.flags & ZEROFILL_FLAG ? 'it is ZEROFILL' : 'number';
  if (TEMPORAL_TYPES.has(f.type)) return f.decimals <= 6 ? 'temporal' : 'its fraction is not fixed';
  if (STRING_TYPES.has(f.type)) {
    if (f.charset === BINARY_CHARSET) return 'it is binary';
    return f.encoding === 'utf8' ? 'text' : `its charset is not utf8mb4`;
  }
  return 'it is float, bit, year, JSON or another type the agent renders itself';
}

/** A binary string literal: no quoting or escaping question whatever the bytes. */
function hex(s: string): string {
  return `x'${Buffer.from(s, 'utf8').toString('hex')}'`;
}

/** The layout problem, or undefined when the server can write it. */
export function mysqlLayoutProblem(layout: EscapedLayout | undefined): string | undefined {
  if (!layout) return 'the data format is not CSV or TSV';
  if (layout.escape !== '\\') return 'the escapeChar is not \\';
  if (layout.recordSeparator !== '\n') return 'the recordSeparator is not LF';
  const sep = layout.separator;
  const code = sep.charCodeAt(0);
  if (sep.length !== 1 || code === 0 || code >= 0x7f || sep === '\\' || sep === '\r' || sep === '\n') return `the columnSeparator ${JSON.stringify(sep)} is not one the server text allows`;
  return undefined;
}

const SORTING = /\b(order|group)\b/i;

/**
 * ORDER BY / GROUP BY anywhere in the query's code (MySQL's `/*! ... *\/` comments are code). Without backslash
 * escapes (sql_mode NO_BACKSLASH_ESCAPES) the lexer could end a string late and hide code: any mention counts.
 */
export function sortsRows(sql: string, backslashEscapes = true): boolean {
  if (!backslashEscapes) return SORTING.test(sql);
  return lex(sql, 'mysql').some((g) => {
    const text = sql.slice(g.start, g.end);
    return (g.kind === 'code' || (g.kind === 'comment' && /^\/\*M?!/.test(text))) && SORTING.test(text);
  });
}

/** The SQL expression for column `name`'s record text (escaped; `\N` for NULL). */
function columnExpr(name: string, kind: Kind, f: MysqlField, sep: string): string {
  const sepEscaped = `\\${sep === '\t' ? 't' : sep}`;
  let v: string;
  if (kind === 'null') return hex('\\N');
  if (kind === 'text') {
    v = `cast(convert(${name} using utf8mb4) as binary)`;
    v = `replace(${v}, ${hex('\\')}, ${hex('\\\\')})`;
    v = `replace(${v}, ${hex(sep)}, ${hex(sepEscaped)})`;
    v = `replace(replace(${v}, x'0a', ${hex('\\n')}), x'0d', ${hex('\\r')})`;
  } else {
    v = `cast(${name} as binary)`;
    // A fraction of 1..6 digits is always written with its `.`: trimming zeros cannot reach the seconds.
    if (kind === 'temporal' && f.decimals > 0) v = `trim(trailing x'2e' from trim(trailing x'30' from ${v}))`;
    if (NUMERIC_CHARS.test(sep)) v = `replace(${v}, ${hex(sep)}, ${hex(sepEscaped)})`;
  }
  return `ifnull(${v}, ${hex('\\N')})`;
}

/** The longest line the expressions can make, in bytes: every byte escaped, and the separators. */
function maxLineBytes(fields: readonly MysqlField[]): number {
  return fields.reduce((n, f) => n + 2 * Math.max(f.length, 1) + 1, 0);
}

/** The wrapping query for a query with these columns. */
export function wrappingQuery(query: string, fields: readonly MysqlField[], kinds: readonly Kind[], sep: string): string {
  const names = fields.map((_f, i) => `c${i + 1}`);
  const exprs = names.map((n, i) => columnExpr(`datapipe_rows.${n}`, kinds[i], fields[i], sep));
  return `with datapipe_rows(${names.join(', ')}) as (\n${query}\n)\nselect concat_ws(${hex(sep)}, ${exprs.join(', ')}) from datapipe_rows`;
}

/** The query without trailing `;` and blanks: it becomes a CTE's body. */
function bareQuery(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/**
 * Whether this copy can take lines the server writes: a MySQL connection in a utf8mb4 session, a layout it can
 * write, a query that keeps its row order when wrapped, and columns (from a zero-row run) that all have the
 * same text either way. `reason` says why not; a query that cannot be described (placeholders, not a SELECT,
 * duplicate column names) takes the row path, which reports any real error as before.
 */
export async function mysqlTextPlan(conn: Connection, sql: string, enc: NodeEncoding): Promise<{ plan?: MysqlTextPlan; reason?: string }> {
  if (conn.kind !== 'mysql') return { reason: 'only MySQL writes lines this way' };
  const layout = enc.format.escaped;
  const problem = mysqlLayoutProblem(layout);
  if (problem || !layout) return { reason: problem };
  const query = bareQuery(sql);
  let session: unknown[] | undefined;
  try {
    [session] = (await conn.query('select @@character_set_results, @@max_allowed_packet, @@sql_mode')).rows;
  } catch {
    // Left to the row path, which reports a real connection problem.
  }
  if (String(session?.[0]).toLowerCase() !== 'utf8mb4') return { reason: 'the session does not return utf8mb4' };
  if (sortsRows(query, !/NO_BACKSLASH_ESCAPES/i.test(String(session?.[2])))) return { reason: 'the query has ORDER BY or GROUP BY, whose order a wrapping query may not keep' };
  const { columns, reason } = await describeQuery(conn, query, enc);
  if (!columns) return { reason };
  const fields: MysqlField[] = [];
  const kinds: Kind[] = [];
  for (const c of columns) {
    const kind = kindOf(c.mysql);
    if (!c.mysql || !['text', 'number', 'temporal', 'null'].includes(kind)) return { reason: `column ${c.name}: ${kind}, so the agent renders it itself` };
    fields.push(c.mysql);
    kinds.push(kind as Kind);
  }
  if (!(maxLineBytes(fields) <= Number(session?.[1]))) return { reason: 'a line could be longer than max_allowed_packet' };
  const wrapped = wrappingQuery(query, fields, kinds, layout.separator);
  try {
    // The same statement with no row: it must run, and give one binary value (a Buffer from mysql2).
    const [line, ...more] = (await conn.query(`${wrapped}\nlimit 0`)).columns;
    if (!line?.mysql || more.length > 0 || line.mysql.charset !== BINARY_CHARSET || !STRING_TYPES.has(line.mysql.type)) return { reason: 'the wrapping query does not give one binary value' };
  } catch {
    return { reason: 'the wrapping query could not run' };
  }
  return { plan: { query: wrapped } };
}

/** A row whose line the server could not make: CONCAT gives NULL beyond max_allowed_packet. */
export class MysqlLineMissing extends DbError {
  constructor(row: number) {
    super(`the server returned no text for row ${row} (a line longer than max_allowed_packet?)`, 'MysqlLineMissing');
  }
}

const LF = 0x0a;

/** The lines of the wrapping query's rows, LF-ended, one Buffer per batch; `onRecords` counts them. */
export async function* lineChunks(rows: RowStream, onRecords: (n: number) => void): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const batch of rows.batches()) {
    let size = batch.length;
    for (let i = 0; i < batch.length; i++) {
      const v = batch[i][0];
      if (!Buffer.isBuffer(v)) throw new MysqlLineMissing(seen + i + 1);
      size += v.length;
    }
    const out = Buffer.allocUnsafe(size);
    let o = 0;
    for (const row of batch) {
      o += (row[0] as Buffer).copy(out, o);
      out[o++] = LF;
    }
    seen += batch.length;
    onRecords(batch.length);
    yield out;
  }
}
