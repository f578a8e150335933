/**
 * SQL Server through tedious 19 (loaded on first use; 20 needs Node 22). `?` becomes `@p1..@pN`, sent through
 * sp_executesql; statements without parameters go as a plain batch. Streams pause the request while the
 * consumer is busy. Abort sends ATTENTION (tedious' cancel), then closes the connection.
 */
import type { Connection as TdsConn, Request as TdsRequest } from 'tedious';
import type { Logger } from 'winston';
import { checkParamCount, DbError, rowStream } from '../connection.js';
import type { Column, Connection, Engine, QueryResult, RowStream, SqlValue } from '../connection.js';
import { SqlAuthFailed, SqlConnectFailed } from '../errors.js';
import type { ConnectOptions } from '../options.js';
import { rewritePlaceholders } from '../split-statements.js';
import { canceled, connectGuarded, networkReason, readCa, safeMessage, targetOf } from './common.js';

type Tedious = typeof import('tedious');
interface ColumnValue {
  value: unknown;
  metadata: { colName: string; type: { name: string } };
}

function dbError(err: unknown, password: string | undefined): DbError {
  const e = err as { number?: number; state?: number; code?: string };
  const tag = e.number !== undefined ? ` [SQL Server error ${e.number}${e.state !== undefined ? `, state ${e.state}` : ''}]` : '';
  return new DbError(`${safeMessage(err, password)}${tag}`, e.number !== undefined ? String(e.number) : e.code);
}

function toValue(v: unknown): SqlValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || Buffer.isBuffer(v) || v instanceof Date) return v;
  return String(v);
}

class SqlServerConnection implements Connection {
  readonly kind = 'sqlserver' as const;
  readonly dialect = 'sqlserver' as const;
  private closed = false;
  private busy = 0;
  private readonly onAbort = () => void this.abort();

  constructor(
    private readonly td: Tedious,
    private readonly conn: TdsConn,
    private readonly o: ConnectOptions,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The running request's completion, to wait for the server's DONE_ATTN after a cancel. */
  private pending: Promise<unknown> | undefined;

  private async abort(): Promise<void> {
    if (this.busy > 0 && !this.closed && this.pending) {
      this.conn.cancel();
      let t: NodeJS.Timeout | undefined;
      await Promise.race([this.pending.catch(() => {}), new Promise((r) => (t = setTimeout(r, 2_000)))]);
      clearTimeout(t);
    }
    await this.close();
  }

  /** A request for `sql` with its parameters bound; `onRow` sees each row. Resolves with the row count. */
  private request(sql: string, params: readonly SqlValue[], onColumns: (c: Column[]) => void, onRow: (row: SqlValue[], req: TdsRequest) => void): { req: TdsRequest; done: Promise<number> } {
    const { sql: text, count } = rewritePlaceholders(sql, 'sqlserver', (n) => `@p${n}`);
    checkParamCount(count, params);
    if (this.signal.aborted || this.closed) throw canceled(this.signal);
    const { Request, TYPES } = this.td;
    let req!: TdsRequest;
    const done = new Promise<number>((resolve, reject) => {
      req = new Request(text, (err, rowCount) => {
        this.busy--;
        if (err) reject(this.signal.aborted ? canceled(this.signal) : dbError(err, this.o.password));
        else resolve(rowCount ?? 0);
      });
    });
    params.forEach((v, i) => {
      const name = `p${i + 1}`;
      if (typeof v === 'number') req.addParameter(name, Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? TYPES.Int : TYPES.Float, v);
      else if (typeof v === 'bigint') req.addParameter(name, TYPES.BigInt, v.toString());
      else if (typeof v === 'boolean') req.addParameter(name, TYPES.Bit, v);
      else if (Buffer.isBuffer(v)) req.addParameter(name, TYPES.VarBinary, v);
      else if (v instanceof Date) req.addParameter(name, TYPES.DateTimeOffset, v);
      else req.addParameter(name, TYPES.NVarChar, v);
    });
    req.on('columnMetadata', (cols: ColumnValue['metadata'][] | Record<string, ColumnValue['metadata']>) => {
      const list = Array.isArray(cols) ? cols : Object.values(cols);
      onColumns(list.map((c) => ({ name: c.colName, dbType: c.type.name })));
    });
    req.on('row', (cols: ColumnValue[]) => onRow(cols.map((c) => toValue(c.value)), req));
    this.busy++;
    this.pending = done;
    if (params.length > 0) this.conn.execSql(req);
    else this.conn.execSqlBatch(req);
    return { req, done };
  }

  async query(sql: string, params: readonly SqlValue[] = []): Promise<QueryResult> {
    const rows: SqlValue[][] = [];
    let columns: Column[] = [];
    const { done } = this.request(sql, params, (c) => (columns = c), (r) => rows.push(r));
    const rowCount = await done;
    return { columns, rows, rowCount: rows.length > 0 ? rows.length : rowCount };
  }

  stream(sql: string, params: readonly SqlValue[] = []): RowStream {
    const self = this;
    const state: { columns: Column[] | undefined } = { columns: undefined };
    async function* rows(): AsyncGenerator<SqlValue[]> {
      const queue: SqlValue[][] = [];
      let wake: (() => void) | undefined;
      let ended = false;
      let failure: unknown;
      const { req, done } = self.request(
        sql,
        params,
        (c) => (state.columns = c),
        (row, r) => {
          queue.push(row);
          if (queue.length >= 500) r.pause();
          wake?.();
        },
      );
      done.then(
        () => {
          ended = true;
          wake?.();
        },
        (err: unknown) => {
          failure = err;
          ended = true;
          wake?.();
        },
      );
      let finished = false;
      try {
        for (;;) {
          while (queue.length > 0) {
            yield queue.shift() as SqlValue[];
            if (queue.length < 100) req.resume();
          }
          if (ended) break;
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
        }
        if (failure) throw failure;
        state.columns ??= [];
        finished = true;
      } finally {
        if (!finished && !ended) {
          self.conn.cancel();
          await done.catch(() => {});
        }
      }
    }
    return rowStream(rows(), state);
  }

  async begin(): Promise<void> {
    await this.query('BEGIN TRANSACTION');
  }
  async commit(): Promise<void> {
    await this.query('COMMIT TRANSACTION');
  }
  async rollback(): Promise<void> {
    await this.query('IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.signal.removeEventListener('abort', this.onAbort);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2_000);
      this.conn.once('end', () => {
        clearTimeout(t);
        resolve();
      });
      this.conn.close();
    });
  }
}

export const sqlServerEngine: Engine = {
  async connect(o: ConnectOptions, signal: AbortSignal, log: Logger): Promise<Connection> {
    const td: Tedious = await import('tedious');
    const mode = o.tls ?? 'verify';
    let conn: TdsConn | undefined;
    try {
      conn = await connectGuarded(
        o,
        signal,
        () =>
          new Promise<TdsConn>((resolve, reject) => {
            const c = new td.Connection({
              server: o.host,
              authentication: { type: 'default', options: { userName: o.user ?? '', password: o.password ?? '' } },
              options: {
                ...(o.instanceName ? { instanceName: o.instanceName } : { port: o.port }),
                ...(o.database ? { database: o.database } : {}),
                encrypt: mode !== 'off',
                trustServerCertificate: mode === 'on',
                ...(mode === 'verify' && o.caFile ? { cryptoCredentialsDetails: { ca: readCa(o) } } : {}),
                ...(o.tlsServerName ? { serverName: o.tlsServerName } : {}),
                connectTimeout: o.connectTimeoutMs,
                // tedious' default of 15 s per request would kill long statements; attemptTimeout bounds them.
                requestTimeout: o.queryTimeoutMs ?? o.socketTimeoutMs ?? 0,
                appName: o.applicationName ?? 'datapipe-taskrunner',
                useColumnNames: false,
                rowCollectionOnRequestCompletion: false,
                rowCollectionOnDone: false,
              },
            });
            conn = c;
            c.on('error', (err) => log.warn(`${o.objectId}: SQL Server connection error: ${safeMessage(err, o.password)}`));
            c.connect((err) => (err ? reject(err) : resolve(c)));
          }),
        () => conn?.close(),
      );
    } catch (err) {
      conn?.close();
      throw connectError(o, err);
    }
    return new SqlServerConnection(td, conn, o, signal);
  },
};

function connectError(o: ConnectOptions, err: unknown): Error {
  if (err instanceof Error && (err.name === 'SqlConnectFailed' || err.name === 'SqlCanceled')) return err;
  const code = (err as { code?: string }).code;
  const msg = safeMessage(err, o.password);
  if (code === 'ELOGIN') return new SqlAuthFailed(targetOf(o), msg, code);
  const cause = (err as { cause?: unknown }).cause;
  const net = networkReason(err) ?? (cause ? networkReason(cause) : undefined);
  return new SqlConnectFailed(targetOf(o), net ? `${net} (${msg})` : msg, code);
}
