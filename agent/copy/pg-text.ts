/**
 * SQL -> S3 from PostgreSQL without records: when the output is CSV or TSV (escaped.ts) and every column of the
 * query has a text form that is already what render.ts writes, the server writes the file's text itself with
 * `COPY (<query>) TO STDOUT` (text format, the format's separator as DELIMITER), and the agent only fixes the
 * few escapes that differ, byte for byte, with no JavaScript value per row.
 *
 * Why the bytes are the same as the cursor path's (render.ts + escapedEncoder), column by column:
 * - render.ts keeps the server's text for every type except float4/float8 (JavaScript's number text, e.g.
 *   `1e+21` where PostgreSQL writes `1e+21` but also `1e+15` where JavaScript writes `1000000000000000`), bytea
 *   (plain hex where COPY writes `\\x...`) and timestamptz (UTC without the `+00`). Queries with such a column
 *   take the cursor path. Booleans (`t`/`f`), int2/int4/oid and timestamp/date/time/timetz (PostgreSQL already
 *   drops the trailing zeros of a fraction) come out of the cursor path as the server's text too.
 * - Escaping: COPY text writes NULL as `\N`, `\` as `\\`, the delimiter as `\<delimiter>`, LF as `\n`, CR as
 *   `\r`, and also TAB, BS, FF and VT as `\t`, `\b`, `\f`, `\v`; escaped.ts writes TAB raw unless it is the
 *   separator, and BS, FF, VT raw. unescapeTransform() turns those back into the raw byte.
 * The layout must be escape `\`, records ending with LF, and a one-byte separator COPY accepts and escapes the
 * same way. Declared `column`s must match the query's column count (otherwise the cursor path reports it).
 */
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import type { EscapedLayout } from '../formats/format.js';
import type { NodeEncoding } from '../formats/registry.js';
import type { Connection } from '../sql/connection.js';
import { describeQuery } from './describe-query.js';

/** float4, float8, bytea, timestamptz: render.ts writes them differently from the server's text. */
const OWN_TEXT_OIDS = new Set(['700', '701', '17', '1184']);

/** Separators COPY refuses (`\`, `.`, letters, digits, CR, LF) or escapes in another way (BS, FF, VT). */
const BAD_SEPARATOR = /[\\.a-zA-Z0-9\r\n\b\f\v]/;

export interface ServerTextPlan {
  /** The query as COPY takes it (trailing `;` removed). */
  query: string;
  delimiter: string;
}

/** The query without trailing `;` and blanks: COPY (...) takes one statement without its terminator. */
function bareQuery(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/** Why a layout cannot come from COPY text, or undefined when it can. */
export function layoutProblem(layout: EscapedLayout | undefined): string | undefined {
  if (!layout) return 'the data format is not CSV or TSV';
  if (layout.escape !== '\\') return 'the escapeChar is not \\';
  if (layout.recordSeparator !== '\n') return 'the recordSeparator is not LF';
  const sep = layout.separator;
  if (sep.length !== 1 || sep.charCodeAt(0) >= 0x80 || BAD_SEPARATOR.test(sep)) return `COPY cannot write the columnSeparator ${JSON.stringify(sep)}`;
  return undefined;
}

/**
 * Whether this copy can take the server's COPY text: a PostgreSQL connection, a CSV/TSV layout COPY can write,
 * and a query whose columns (from a zero-row run of it) all have the same text either way. `reason` says why
 * not; a query that cannot be described this way (a trailing comment after `;`, placeholders, not a SELECT)
 * takes the cursor path, which then reports any real error as before.
 */
export async function serverTextPlan(conn: Connection, sql: string, enc: NodeEncoding): Promise<{ plan?: ServerTextPlan; reason?: string }> {
  if (conn.kind !== 'postgres' || !conn.copyOut) return { reason: 'only PostgreSQL has COPY ... TO STDOUT' };
  const layout = enc.format.escaped;
  const problem = layoutProblem(layout);
  if (problem || !layout) return { reason: problem };
  const query = bareQuery(sql);
  const { columns, reason } = await describeQuery(conn, query, enc);
  if (!columns) return { reason };
  const own = columns.filter((c) => OWN_TEXT_OIDS.has(c.dbType));
  if (own.length > 0) return { reason: `column ${own[0].name} is float, bytea or timestamptz, which the agent renders itself` };
  return { plan: { query, delimiter: layout.separator } };
}

const BACKSLASH = 0x5c;
const LF = 0x0a;

/**
 * COPY text -> escaped.ts text for `separator`: `\t` (unless TAB is the separator), `\b`, `\f`, `\v` become the
 * raw byte; every other escape stays. A chunk without a backslash passes as it is. `onRecords` gets the number
 * of records (LF bytes: a LF in a value is always escaped) of each chunk.
 */
export function unescapeTransform(separator: string, onRecords: (n: number) => void): Transform {
  const raw = new Map<number, number>([
    [0x62, 0x08],
    [0x66, 0x0c],
    [0x76, 0x0b],
  ]);
  if (separator !== '\t') raw.set(0x74, 0x09);
  let carry = false;
  return new Transform({
    transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback) {
      let buf = chunk;
      if (carry) {
        buf = Buffer.concat([Buffer.of(BACKSLASH), chunk]);
        carry = false;
      }
      let lines = 0;
      for (let k = buf.indexOf(LF); k !== -1; k = buf.indexOf(LF, k + 1)) lines++;
      if (lines > 0) onRecords(lines);
      let i = buf.indexOf(BACKSLASH);
      if (i === -1) return cb(null, buf);
      // Output is never longer than input; segments between escapes are copied as they are.
      const out = Buffer.allocUnsafe(buf.length);
      let o = 0;
      let from = 0;
      while (i !== -1) {
        o += buf.copy(out, o, from, i);
        if (i + 1 >= buf.length) {
          carry = true;
          from = buf.length;
          break;
        }
        const mapped = raw.get(buf[i + 1]);
        if (mapped === undefined) {
          out[o++] = BACKSLASH;
          out[o++] = buf[i + 1];
        } else out[o++] = mapped;
        from = i + 2;
        i = buf.indexOf(BACKSLASH, from);
      }
      o += buf.copy(out, o, from);
      cb(null, out.subarray(0, o));
    },
    flush(cb: TransformCallback) {
      // COPY never ends on a lone backslash; should it, the byte is kept.
      cb(null, carry ? Buffer.of(BACKSLASH) : undefined);
    },
  });
}
