/**
 * The one interface every engine module (engines/*.ts) implements. SQL passed in uses JDBC's `?` placeholders;
 * the engine rewrites them for its driver. Values come back driver-neutral: null, boolean, number (integers up
 * to 32 bits and floats), Buffer (binary), and the database's own text for everything else (64-bit integers,
 * decimals, dates, times, timestamps, JSON...), so nothing is rounded or shifted by a time zone on the way.
 * SQL Server is the exception: tedious gives Date for temporal types and numbers for DECIMAL (BIGINT as text).
 */
import type { Logger } from 'winston';
import type { Dialect } from './split-statements.js';
import type { ConnectOptions, EngineKind } from './options.js';

export type SqlValue = null | string | number | boolean | bigint | Buffer | Date;

export interface Column {
  name: string;
  /** The database's type name or id (e.g. "int4", "VARCHAR", "NVarChar"), for formatting decisions. */
  dbType: string;
  /** MySQL only: the column definition's details that decide a value's text (agent/copy/mysql-text.ts). */
  mysql?: MysqlField;
}

/** A MySQL column definition, as the protocol sends it. */
export interface MysqlField {
  type: number;
  flags: number;
  decimals: number;
  /** Collation id; 63 is binary. */
  charset: number;
  /** The driver's decoding for the value (from the collation), e.g. `utf8`. */
  encoding?: string;
  /** Maximum length in bytes. */
  length: number;
  /** MariaDB extended metadata type (uuid, inet6, point...) or format (json). */
  extended?: string;
}

export interface QueryResult {
  columns: Column[];
  rows: SqlValue[][];
  /** Rows returned, or rows changed by an INSERT/UPDATE/DELETE. */
  rowCount: number;
}

/** Rows read through a server-side cursor (or the protocol's own flow control): memory stays constant. */
export interface RowStream extends AsyncIterable<SqlValue[]> {
  /** Known once the first row (or the end) has been read. */
  readonly columns: readonly Column[] | undefined;
  /**
   * The same rows in the batches the engine reads them: one async step per batch instead of per row, for
   * consumers that take many rows. Iterate either this or the stream itself, once.
   */
  batches(): AsyncIterable<SqlValue[][]>;
}

type ColumnState = { readonly columns: readonly Column[] | undefined };

/** Rows per batch when an engine yields rows one at a time. */
const GROUP = 500;

async function* grouped(rows: AsyncIterable<SqlValue[]>): AsyncGenerator<SqlValue[][]> {
  let batch: SqlValue[][] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length === GROUP) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function* flat(batches: AsyncIterable<SqlValue[][]>): AsyncGenerator<SqlValue[]> {
  for await (const batch of batches) yield* batch;
}

/** A RowStream over an engine's row generator; `state.columns` is filled in by the generator as it learns them. */
export function rowStream(rows: AsyncGenerator<SqlValue[]>, state: ColumnState): RowStream {
  return {
    get columns() {
      return state.columns;
    },
    batches: () => grouped(rows),
    [Symbol.asyncIterator]: () => rows,
  };
}

/** The same over a generator of non-empty row batches. */
export function batchStream(batches: AsyncGenerator<SqlValue[][]>, state: ColumnState): RowStream {
  return {
    get columns() {
      return state.columns;
    },
    batches: () => batches,
    [Symbol.asyncIterator]: () => flat(batches),
  };
}

export interface Connection {
  readonly kind: EngineKind;
  readonly dialect: Dialect;
  query(sql: string, params?: readonly SqlValue[]): Promise<QueryResult>;
  /** Rows one by one; breaking out of the loop closes the cursor. */
  stream(sql: string, params?: readonly SqlValue[]): RowStream;
  /**
   * PostgreSQL only: the bytes of `COPY (<sql>) TO STDOUT` in text format with `delimiter` (one ASCII character),
   * as the server writes them, read with backpressure. Breaking out of the loop early leaves the connection
   * unusable (close it). Errors are DbErrors, or SqlCanceled after an abort, as for stream().
   */
  copyOut?(sql: string, delimiter: string): AsyncIterable<Buffer>;
  /**
   * PostgreSQL only: runs `sql` (a `COPY ... FROM STDIN`) fed with `data`, written with backpressure; resolves
   * with the rows the server loaded. An error of `data` is rethrown as it is (the COPY is failed first, so the
   * connection stays usable); the server's errors are DbErrors, or SqlCanceled after an abort.
   */
  copyIn?(sql: string, data: AsyncIterable<Buffer>): Promise<number>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Idempotent; never throws. */
  close(): Promise<void>;
}

export interface Engine {
  /**
   * Opens a connection. `signal` stays watched for the connection's life: aborting cancels the running statement
   * on the server and closes the connection (the pending call rejects with SqlCanceled).
   */
  connect(o: ConnectOptions, signal: AbortSignal, log: Logger): Promise<Connection>;
}

/** A statement the database rejected: its own code (SQLSTATE, errno, error number) and message. */
export class DbError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'DbError';
  }
}

/**
 * Whether `e` is a DbError. By name, not instanceof: the engines are imported dynamically, and a loader may give
 * them their own copy of this module.
 */
export function isDbError(e: unknown): e is DbError {
  return e instanceof Error && e.name === 'DbError';
}

/** Checks that the statement's placeholders and the parameters agree in number. */
export function checkParamCount(count: number, params: readonly SqlValue[]): void {
  if (count !== params.length) throw new DbError(`the statement has ${count} ? placeholder(s) but ${params.length} value(s) were given`);
}
