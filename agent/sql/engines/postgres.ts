/**
 * PostgreSQL and Redshift through `pg` (loaded on first use). `?` becomes `$n`; streams use pg-cursor (a portal
 * read in batches); abort sends a CancelRequest on a separate socket, then closes the connection.
 */
import net from 'node:net';
import type { Client, FieldDef } from 'pg';
import type { Logger } from 'winston';
import { batchStream, checkParamCount, DbError } from '../connection.js';
import type { Column, Connection, Engine, QueryResult, RowStream, SqlValue } from '../connection.js';
import { SqlAuthFailed, SqlConnectFailed } from '../errors.js';
import type { ConnectOptions } from '../options.js';
import { rewritePlaceholders } from '../split-statements.js';
import { canceled, connectGuarded, networkReason, safeMessage, targetOf, tlsOptions } from './common.js';
import { copyInChunks } from './pg-copy-in.js';
import { copyOutChunks } from './pg-copy-out.js';
import type { CopyHost } from './pg-copy-out.js';

/**
 * Rows per cursor read: the first read takes FIRST_BATCH rows, later ones as many as fit in about BATCH_CHARS of
 * text (measured on the last full batch), within [FIRST_BATCH, MAX_BATCH]: fewer round trips for narrow rows, while
 * wide rows keep the memory held by the two batches in hand (one consumed, one read ahead) near 2 x BATCH_CHARS.
 */
const FIRST_BATCH = 1000;
const MAX_BATCH = 2_000;
const BATCH_CHARS = 512 * 1024;

/** Text length of a batch's values (strings and buffers; numbers and booleans count 8). */
function batchChars(rows: readonly SqlValue[][]): number {
  let n = 0;
  for (const row of rows) for (const v of row) n += typeof v === 'string' || Buffer.isBuffer(v) ? v.length : 8;
  return n;
}

/** See PgConnection.statement. */
const PREPARE_MIN_PARAMS = 64;
const MAX_PREPARED = 8;
const AUTH_CODES = new Set(['28P01', '28000']);

/** Type OIDs parsed to JS values; everything else stays the server's text (see connection.ts). */
function typeParser(oid: number, format?: string): (v: string) => unknown {
  if (format === 'binary') return (v) => v;
  switch (oid) {
    case 16: // bool
      return (v) => v === 't';
    case 21: // int2
    case 23: // int4
    case 26: // oid
      return (v) => Number.parseInt(v, 10);
    case 700: // float4
    case 701: // float8
      return (v) => Number.parseFloat(v);
    case 17: // bytea, hex form
      return (v) => (v.startsWith('\\x') ? Buffer.from(v.slice(2), 'hex') : Buffer.from(v, 'latin1'));
    default:
      return (v) => v;
  }
}
const TYPES = { getTypeParser: typeParser };

function columnsOf(fields: readonly FieldDef[] | undefined): Column[] {
  return (fields ?? []).map((f) => ({ name: f.name, dbType: String(f.dataTypeID) }));
}

function dbError(err: unknown, password: string | undefined): DbError {
  const e = err as { code?: string; detail?: string; position?: string };
  const detail = e.detail ? ` (${e.detail})` : '';
  return new DbError(`${safeMessage(err, password)}${detail}`, typeof e.code === 'string' ? e.code : undefined);
}

function param(v: SqlValue): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** Sends a CancelRequest for the backend (it needs no authentication; pg_hba does not apply to it). */
function sendCancel(host: string, port: number, pid: number, secret: number): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port }, () => {
      const b = Buffer.alloc(16);
      b.writeInt32BE(16, 0);
      b.writeInt32BE(80877102, 4);
      b.writeInt32BE(pid, 8);
      b.writeInt32BE(secret, 12);
      s.end(b);
    });
    s.setTimeout(5_000, () => s.destroy());
    s.on('error', () => resolve());
    s.on('close', () => resolve());
  });
}

interface BackendKeys {
  processID?: number | null;
  secretKey?: number | null;
  connection?: { stream?: { destroy(): void } };
}

class PgConnection implements Connection {
  readonly dialect = 'postgres' as const;
  private closed = false;
  private busy = 0;
  /** Set when the server or the network ended the session: a cursor read would otherwise wait forever. */
  private lost: Error | undefined;
  private readonly onAbort = () => void this.abort();

  constructor(
    readonly kind: 'postgres' | 'redshift',
    private readonly client: Client,
    private readonly o: ConnectOptions,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', this.onAbort, { once: true });
    client.once('end', () => (this.lost ??= new Error('Connection terminated unexpectedly')));
    // The session's own error (e.g. 57P01 from pg_terminate_backend) is what a later statement should report.
    client.on('error', (err: Error) => (this.lost ??= err));
  }

  private async abort(): Promise<void> {
    const keys = this.client as unknown as BackendKeys;
    if (this.busy > 0 && keys.processID && keys.secretKey) await sendCancel(this.o.host, this.o.port, keys.processID, keys.secretKey);
    await this.close();
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.signal.aborted || this.closed) throw canceled(this.signal);
    if (this.lost) throw dbError(this.lost, this.o.password);
    this.busy++;
    try {
      return await fn();
    } catch (err) {
      if (this.signal.aborted) throw canceled(this.signal);
      // pg's "Client has encountered a connection error and is not queryable" hides why: report the session's end.
      throw dbError(this.lost ?? err, this.o.password);
    } finally {
      this.busy--;
    }
  }

  /**
   * Statements with many parameters (the copy's multi-row inserts, run again and again) as named prepared
   * statements: the server parses and plans a 1,000-row VALUES list once per connection instead of once per batch,
   * and its `?` are rewritten once. A few per connection; others run unnamed as usual.
   */
  private readonly prepared = new Map<string, { text: string; count: number; name: string }>();

  private statement(sql: string): { text: string; count: number; name?: string } {
    const known = this.prepared.get(sql);
    if (known) return known;
    const { sql: text, count } = rewritePlaceholders(sql, 'postgres', (n) => `$${n}`);
    if (count < PREPARE_MIN_PARAMS || this.prepared.size >= MAX_PREPARED) return { text, count };
    const s = { text, count, name: `datapipe_${this.prepared.size + 1}` };
    this.prepared.set(sql, s);
    return s;
  }

  query(sql: string, params: readonly SqlValue[] = []): Promise<QueryResult> {
    const { text, count, name } = this.statement(sql);
    checkParamCount(count, params);
    return this.run(async () => {
      const r = await this.client.query({ text, name, values: params.map(param), rowMode: 'array', types: TYPES });
      const rows = (r.rows ?? []) as SqlValue[][];
      return { columns: columnsOf(r.fields), rows, rowCount: r.rowCount ?? rows.length };
    });
  }

  stream(sql: string, params: readonly SqlValue[] = []): RowStream {
    const { sql: text, count } = rewritePlaceholders(sql, 'postgres', (n) => `$${n}`);
    checkParamCount(count, params);
    const self = this;
    const state: { columns: Column[] | undefined } = { columns: undefined };
    async function* batches(): AsyncGenerator<SqlValue[][]> {
      const { default: Cursor } = await import('pg-cursor');
      const cursor = self.client.query(new Cursor<SqlValue[]>(text, params.map(param), { rowMode: 'array', types: TYPES }));
      // After a failed read pg-cursor has already synced the connection; close() would wait forever on a dead one.
      let readFailed = false;
      const read = (size: number) =>
        self.run(
          () =>
            new Promise<SqlValue[][]>((resolve, reject) => {
              // pg-cursor never calls back once the connection has ended (pg_terminate_backend, a cut socket).
              if (self.lost) return reject(self.lost);
              const onEnd = () => reject(self.lost ?? new Error('Connection terminated unexpectedly'));
              self.client.once('end', onEnd);
              cursor.read(size, (err, got, result) => {
                self.client.off('end', onEnd);
                if (err) {
                  readFailed = true;
                  return reject(err);
                }
                state.columns ??= columnsOf(result.fields);
                resolve(got);
              });
            }),
        );
      let size = FIRST_BATCH;
      // One read ahead: the server produces the next batch while this one is consumed.
      let next: Promise<SqlValue[][]> | undefined = read(size);
      try {
        for (;;) {
          const batch: SqlValue[][] = await next;
          next = undefined;
          if (batch.length === 0) return;
          if (batch.length === size) {
            const perRow = Math.max(1, batchChars(batch) / batch.length);
            size = Math.min(MAX_BATCH, Math.max(FIRST_BATCH, Math.floor(BATCH_CHARS / perRow)));
          }
          next = read(size);
          next.catch(() => {}); // awaited on the next turn, or in finally
          yield batch;
        }
      } finally {
        // A consumer that stopped early: let the read in flight finish (or fail) before closing the portal.
        if (next) await next.catch(() => {});
        if (!self.closed && !self.lost && !readFailed) await cursor.close().catch(() => {});
      }
    }
    return batchStream(batches(), state);
  }

  /** What the COPY helpers need of this connection; `discard` ends a COPY that stopped midway. */
  private copyHost(discard: () => void): CopyHost {
    return {
      client: this.client,
      check: () => {
        if (this.signal.aborted || this.closed) throw canceled(this.signal);
        if (this.lost) throw dbError(this.lost, this.o.password);
      },
      lost: () => this.lost,
      busy: (d) => void (this.busy += d),
      fail: (err) => (this.signal.aborted ? canceled(this.signal) : dbError(this.lost ?? err, this.o.password)),
      discard,
    };
  }

  copyOut(sql: string, delimiter: string): AsyncIterable<Buffer> {
    const host = this.copyHost(() => {
      // A COPY stopped midway leaves the session in COPY OUT mode: the socket goes, and close() does not wait.
      this.lost ??= new Error('the COPY was stopped before its end');
      (this.client as unknown as BackendKeys).connection?.stream?.destroy();
    });
    return copyOutChunks(host, sql, delimiter);
  }

  copyIn(sql: string, data: AsyncIterable<Buffer>): Promise<number> {
    // copyInChunks always ends the COPY (CopyDone or CopyFail) before it returns: nothing to discard.
    const host = this.copyHost(() => {});
    return copyInChunks(host, sql, data);
  }

  async begin(): Promise<void> {
    await this.query('BEGIN');
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
    // end() waits for a running statement; after an abort the socket goes at once.
    const stream = (this.client as unknown as BackendKeys).connection?.stream;
    if (this.lost) {
      // The session is already gone: end() would wait for an 'end' event that has already fired.
      stream?.destroy();
      void this.client.end().catch(() => {});
      return;
    }
    const ended = this.client.end().catch(() => {});
    if (this.signal.aborted || this.busy > 0) {
      const t = setTimeout(() => stream?.destroy(), 2_000);
      await ended;
      clearTimeout(t);
    } else await ended;
  }
}

export const postgresEngine: Engine = {
  async connect(o: ConnectOptions, signal: AbortSignal, log: Logger): Promise<Connection> {
    const { default: pg } = await import('pg');
    const ssl = tlsOptions(o);
    const client = new pg.Client({
      host: o.host,
      port: o.port,
      database: o.database,
      user: o.user,
      password: o.password ?? '',
      ssl: ssl ?? false,
      application_name: o.applicationName ?? 'datapipe-taskrunner',
      keepAlive: o.keepAlive ?? true,
      // The guard below owns the connect timeout (and the abort).
      connectionTimeoutMillis: 0,
      ...(o.queryTimeoutMs ? { statement_timeout: o.queryTimeoutMs } : {}),
      // JDBC socketTimeout (no answer for that long fails the statement) maps to pg's client-side query timeout.
      ...(o.socketTimeoutMs ? { query_timeout: o.socketTimeoutMs } : {}),
    });
    // After connecting, a dropped socket surfaces on the running query; this keeps it from crashing the agent.
    client.on('error', (err) => log.warn(`${o.objectId}: PostgreSQL connection error: ${safeMessage(err, o.password)}`));
    try {
      await connectGuarded(o, signal, () => client.connect(), () => (client as unknown as BackendKeys).connection?.stream?.destroy());
    } catch (err) {
      void client.end().catch(() => {});
      throw connectError(o, err);
    }
    const conn = new PgConnection(o.engine === 'redshift' ? 'redshift' : 'postgres', client, o, signal);
    if (o.currentSchema) {
      const idents = o.currentSchema.split(',').map((s) => `"${s.trim().replace(/"/g, '""')}"`);
      await conn.query(`SET search_path TO ${idents.join(', ')}`).catch(async (err: unknown) => {
        await conn.close();
        throw new SqlConnectFailed(targetOf(o), `setting currentSchema=${o.currentSchema} failed: ${(err as Error).message}`);
      });
    }
    return conn;
  },
};

function connectError(o: ConnectOptions, err: unknown): Error {
  if (err instanceof Error && (err.name === 'SqlConnectFailed' || err.name === 'SqlCanceled')) return err;
  const code = (err as { code?: string }).code;
  const msg = safeMessage(err, o.password);
  if (code && AUTH_CODES.has(code)) return new SqlAuthFailed(targetOf(o), `${msg} [SQLSTATE ${code}]`, code);
  const net = networkReason(err);
  return new SqlConnectFailed(targetOf(o), net ? `${net} (${msg})` : code ? `${msg} [SQLSTATE ${code}]` : msg, code);
}
