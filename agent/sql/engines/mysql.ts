/**
 * MySQL and MariaDB through mysql2 (loaded on first use). Placeholders are found by our lexer (mysql2's own
 * `format` would also replace a `?` inside a string literal) and replaced by escaped literals, so any statement
 * runs over the text protocol. Streams use the protocol's flow control (the socket is paused while the consumer
 * is busy; mysql-batches.ts). Abort runs KILL QUERY on a second connection, then destroys this one.
 */
import type { Connection as MyConn, ConnectionOptions, FieldPacket, QueryError } from 'mysql2';
import type { Logger } from 'winston';
import { batchStream, checkParamCount, DbError } from '../connection.js';
import type { Column, Connection, Engine, QueryResult, RowStream, SqlValue } from '../connection.js';
import { SqlAuthFailed, SqlConnectFailed } from '../errors.js';
import type { ConnectOptions } from '../options.js';
import { rewritePlaceholders } from '../split-statements.js';
import { canceled, connectGuarded, networkReason, safeMessage, targetOf, tlsOptions } from './common.js';
import { queryBatches } from './mysql-batches.js';

type Mysql2 = typeof import('mysql2');

const AUTH_ERRNOS = new Set([1045, 1044, 1698, 1251]);

function driverOptions(o: ConnectOptions): ConnectionOptions {
  const ssl = tlsOptions(o);
  return {
    host: o.host,
    port: o.port,
    user: o.user,
    password: o.password,
    database: o.database,
    connectTimeout: o.connectTimeoutMs,
    charset: o.charset ?? 'UTF8MB4_UNICODE_CI',
    ...(ssl ? { ssl } : {}),
    rowsAsArray: true,
    // Temporal, DECIMAL and BIGINT values as the server's text (connection.ts).
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    multipleStatements: false,
    // JSON as its text (UTF-8): MySQL's JSON type, and MariaDB's JSON (LONGTEXT with extended metadata).
    jsonStrings: true,
    enableKeepAlive: o.keepAlive ?? true,
  };
}

function dbError(err: unknown, password: string | undefined): DbError {
  const e = err as Partial<QueryError>;
  const tag = e.errno ? ` [MySQL error ${e.errno}${e.code ? ` ${e.code}` : ''}${e.sqlState ? `, SQLSTATE ${e.sqlState}` : ''}]` : '';
  return new DbError(`${safeMessage(err, password)}${tag}`, e.errno ? String(e.errno) : e.code);
}

function columnsOf(fields: readonly FieldPacket[] | undefined): Column[] {
  return (fields ?? []).map((f) => {
    const type = f.columnType ?? f.type;
    const column: Column = { name: f.name, dbType: String(type ?? '') };
    // Flags as names (string[]) would come from another driver: then the details stay unknown.
    if (type !== undefined && typeof f.flags === 'number') {
      const extended = f.extendedTypeName ?? f.extendedFormat;
      column.mysql = {
        type,
        flags: f.flags,
        decimals: f.decimals,
        charset: f.characterSet ?? f.charsetNr ?? -1,
        length: f.columnLength ?? f.length ?? Number.MAX_SAFE_INTEGER,
        ...(f.encoding ? { encoding: f.encoding } : {}),
        ...(extended ? { extended } : {}),
      };
    }
    return column;
  });
}

class MysqlConnection implements Connection {
  readonly kind = 'mysql' as const;
  readonly dialect = 'mysql' as const;
  private closed = false;
  private busy = 0;
  private readonly onAbort = () => void this.abort();

  constructor(
    private readonly driver: Mysql2,
    private readonly conn: MyConn,
    private readonly o: ConnectOptions,
    private readonly signal: AbortSignal,
    private readonly log: Logger,
  ) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  private async abort(): Promise<void> {
    if (this.busy > 0 && !this.closed) {
      const threadId = this.conn.threadId;
      const killer = this.driver.createConnection({ ...driverOptions(this.o), connectTimeout: 5_000 });
      killer.on('error', () => {});
      await new Promise<void>((resolve) => killer.query(`KILL QUERY ${Number(threadId)}`, () => resolve()));
      killer.destroy();
    }
    await this.close();
  }

  private sql(sql: string, params: readonly SqlValue[]): string {
    const { sql: text, count } = rewritePlaceholders(sql, 'mysql', (n) => {
      const v = params[n - 1];
      return this.conn.escape(typeof v === 'bigint' ? v.toString() : v);
    });
    checkParamCount(count, params);
    return text;
  }

  query(sql: string, params: readonly SqlValue[] = []): Promise<QueryResult> {
    const text = this.sql(sql, params);
    if (this.signal.aborted || this.closed) return Promise.reject(canceled(this.signal));
    this.busy++;
    return new Promise<QueryResult>((resolve, reject) => {
      // JDBC socketTimeout as mysql2's client-side statement timeout.
      this.conn.query({ sql: text, rowsAsArray: true, ...(this.o.socketTimeoutMs ? { timeout: this.o.socketTimeoutMs } : {}) }, (err, result, fields) => {
        this.busy--;
        if (err) return reject(this.signal.aborted ? canceled(this.signal) : dbError(err, this.o.password));
        if (Array.isArray(result)) {
          const rows = result as unknown as SqlValue[][];
          resolve({ columns: columnsOf(fields), rows, rowCount: rows.length });
        } else {
          resolve({ columns: [], rows: [], rowCount: (result as { affectedRows?: number }).affectedRows ?? 0 });
        }
      });
    });
  }

  stream(sql: string, params: readonly SqlValue[] = []): RowStream {
    const text = this.sql(sql, params);
    const self = this;
    const state: { columns: Column[] | undefined } = { columns: undefined };
    async function* batches(): AsyncGenerator<SqlValue[][]> {
      if (self.signal.aborted || self.closed) throw canceled(self.signal);
      const q = self.conn.query({ sql: text, rowsAsArray: true });
      self.busy++;
      let done = false;
      try {
        yield* queryBatches(self.conn, q, (f) => (state.columns = columnsOf(f)));
        done = true;
        state.columns ??= [];
      } catch (err) {
        throw self.signal.aborted ? canceled(self.signal) : dbError(err, self.o.password);
      } finally {
        self.busy--;
        // Rows still on the wire would block the connection: it cannot be reused after an early stop.
        if (!done) await self.close();
      }
    }
    return batchStream(batches(), state);
  }

  async begin(): Promise<void> {
    await this.query('START TRANSACTION');
  }
  async commit(): Promise<void> {
    await this.query('COMMIT');
  }
  async rollback(): Promise<void> {
    await this.query('ROLLBACK');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.signal.removeEventListener('abort', this.onAbort);
    if (this.signal.aborted || this.busy > 0) {
      this.conn.destroy();
      return;
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.conn.destroy();
        resolve();
      }, 2_000);
      this.conn.end(() => {
        clearTimeout(t);
        resolve();
      });
    }).catch((err: unknown) => this.log.debug(`closing MySQL connection: ${safeMessage(err, this.o.password)}`));
  }
}

export const mysqlEngine: Engine = {
  async connect(o: ConnectOptions, signal: AbortSignal, log: Logger): Promise<Connection> {
    const driver = (await import('mysql2')).default;
    let conn: MyConn | undefined;
    try {
      conn = await connectGuarded(
        o,
        signal,
        () =>
          new Promise<MyConn>((resolve, reject) => {
            const c = driver.createConnection(driverOptions(o));
            conn = c;
            c.connect((err) => (err ? reject(err) : resolve(c)));
          }),
        () => conn?.destroy(),
      );
    } catch (err) {
      conn?.destroy();
      throw connectError(o, err);
    }
    conn.on('error', (err) => log.warn(`${o.objectId}: MySQL connection error: ${safeMessage(err, o.password)}`));
    return new MysqlConnection(driver, conn, o, signal, log);
  },
};

function connectError(o: ConnectOptions, err: unknown): Error {
  if (err instanceof Error && (err.name === 'SqlConnectFailed' || err.name === 'SqlCanceled')) return err;
  const e = err as Partial<QueryError>;
  const msg = safeMessage(err, o.password);
  const tag = e.errno ? ` [MySQL error ${e.errno}${e.code ? ` ${e.code}` : ''}]` : '';
  if (e.errno && AUTH_ERRNOS.has(e.errno)) return new SqlAuthFailed(targetOf(o), `${msg}${tag}`, String(e.errno));
  const net = networkReason(err);
  return new SqlConnectFailed(targetOf(o), net ? `${net} (${msg})` : `${msg}${tag}`, e.errno ? String(e.errno) : e.code);
}
