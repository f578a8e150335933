/**
 * SQL values -> the text CopyActivity writes to S3, and -> the values it binds on another engine. One rule per
 * kind of value, the same whatever the row count, so files are byte-exact and documented (docs/sql.md):
 *
 *   NULL               -> null: the data format writes its NULL (`\N` in CSV/TSV, nothing in Custom)
 *   text, decimals,    -> the database's own text, untouched (NUMERIC/DECIMAL/BIGINT never pass through a float)
 *   64-bit integers
 *   booleans           -> PostgreSQL/Redshift `t` / `f` (their text output); MySQL has no boolean (TINYINT(1)
 *                         arrives as 1 / 0); SQL Server bit -> 1 / 0
 *   float / double     -> the shortest decimal that reads back as the same number (JavaScript's Number text,
 *                         e.g. 0.1, 1e+21)
 *   timestamp/datetime -> `YYYY-MM-DD HH:MM:SS`, then `.` and the fraction without trailing zeros when it is not 0
 *   timestamptz        -> the same in UTC (the session runs in UTC), without an offset
 *   date, time         -> `YYYY-MM-DD`, `HH:MM:SS[.fraction]` (fraction as above)
 *   binary             -> lowercase hex without prefix (load it back with decode(?, 'hex') / UNHEX(?))
 *   MySQL BIT(n)       -> its unsigned integer value
 */
import type { Column, SqlValue } from './connection.js';
import type { EngineKind } from './options.js';

export type Rendered = string | null;

/** How one column's values become text (or parameters), decided once per column from its database type. */
export type ColumnKind = 'temporal' | 'timestamptz' | 'bit' | 'plain';

// PostgreSQL type OIDs: timestamp, timestamptz, date, time, timetz.
const PG_TEMPORAL = new Set(['1114', '1082', '1083', '1266']);
const PG_TIMESTAMPTZ = '1184';
// mysql2 column type codes: TIMESTAMP 7, DATE 10, TIME 11, DATETIME 12, NEWDATE 14, TIMESTAMP2 17, DATETIME2 18, TIME2 19.
const MY_TEMPORAL = new Set(['7', '10', '11', '12', '14', '17', '18', '19']);
const MY_BIT = '16';

export function columnKind(engine: EngineKind, col: Column | undefined): ColumnKind {
  const t = col?.dbType ?? '';
  if (engine === 'postgres' || engine === 'redshift') {
    if (t === PG_TIMESTAMPTZ) return 'timestamptz';
    return PG_TEMPORAL.has(t) ? 'temporal' : 'plain';
  }
  if (engine === 'mysql') {
    if (t === MY_BIT) return 'bit';
    return MY_TEMPORAL.has(t) ? 'temporal' : 'plain';
  }
  return 'plain';
}

/** `.120000` -> `.12`, `.000000` -> ``: fractional seconds only when not zero. */
function trimFraction(s: string): string {
  // Most values have no fraction at all: no regex for them.
  if (s.indexOf('.') === -1) return s;
  return s.replace(/\.(\d*?)0+(?=$|[+-]\d\d(?::?\d\d)?$| BC$)/, (_m, digits: string) => (digits === '' ? '' : `.${digits}`));
}

/** A timestamptz read in a UTC session: `2026-01-02 03:04:05.5+00` -> `2026-01-02 03:04:05.5`. */
function utcText(s: string): string {
  return trimFraction(s.replace(/\+00(?::00)?$/, ''));
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** A JS Date (SQL Server through tedious) in UTC, in the same layout as the other engines' timestamps. */
export function dateText(d: Date): string {
  const base = `${String(d.getUTCFullYear()).padStart(4, '0')}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  const ms = d.getUTCMilliseconds();
  return ms === 0 ? base : `${base}.${String(ms).padStart(3, '0').replace(/0+$/, '')}`;
}

function bitValue(b: Buffer): string {
  let n = 0n;
  for (const byte of b) n = (n << 8n) | BigInt(byte);
  return n.toString();
}

/** One value as text for a data format; `kind` from columnKind, `engine` for the boolean spelling. */
export function renderValue(v: SqlValue, kind: ColumnKind, engine: EngineKind): Rendered {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    if (kind === 'timestamptz') return utcText(v);
    if (kind === 'temporal') return trimFraction(v);
    return v;
  }
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return engine === 'postgres' || engine === 'redshift' ? (v ? 't' : 'f') : v ? '1' : '0';
  if (Buffer.isBuffer(v)) return kind === 'bit' ? bitValue(v) : v.toString('hex');
  if (v instanceof Date) return dateText(v);
  return String(v);
}

/**
 * One value as a parameter for another database (SQL -> SQL): booleans, numbers and binary stay native (each
 * driver binds them as its engine expects); temporal text is normalised as for files, so a PostgreSQL
 * timestamptz loads into a MySQL DATETIME (UTC) and a MySQL DATETIME(6) keeps its fraction.
 */
export function toParam(v: SqlValue, kind: ColumnKind): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    if (kind === 'timestamptz') return utcText(v);
    if (kind === 'temporal') return trimFraction(v);
    return v;
  }
  if (Buffer.isBuffer(v) && kind === 'bit') return bitValue(v);
  return v;
}

/** A row renderer for a result's columns (the kinds are computed once, on the first row). */
export function rowRenderer(engine: EngineKind, columns: () => readonly Column[] | undefined): (row: SqlValue[]) => Rendered[] {
  let kinds: ColumnKind[] | undefined;
  return (row) => {
    kinds ??= row.map((_v, i) => columnKind(engine, columns()?.[i]));
    const out: Rendered[] = new Array<Rendered>(row.length);
    for (let i = 0; i < row.length; i++) out[i] = renderValue(row[i], kinds[i] ?? 'plain', engine);
    return out;
  };
}

/**
 * The same for whole batches, rendering each row in place (its array is reused as the record: one array fewer
 * per row). The batch must not be used as values afterwards.
 */
export function batchRenderer(engine: EngineKind, columns: () => readonly Column[] | undefined): (batch: SqlValue[][]) => Rendered[][] {
  let kinds: ColumnKind[] | undefined;
  return (batch) => {
    for (const row of batch) {
      kinds ??= row.map((_v, i) => columnKind(engine, columns()?.[i]));
      for (let i = 0; i < row.length; i++) row[i] = renderValue(row[i], kinds[i] ?? 'plain', engine);
    }
    return batch as Rendered[][];
  };
}

/** The same for parameters (SQL -> SQL). */
export function rowParams(engine: EngineKind, columns: () => readonly Column[] | undefined): (row: SqlValue[]) => SqlValue[] {
  let kinds: ColumnKind[] | undefined;
  return (row) => {
    kinds ??= row.map((_v, i) => columnKind(engine, columns()?.[i]));
    return row.map((v, i) => toParam(v, kinds?.[i] ?? 'plain'));
  };
}
