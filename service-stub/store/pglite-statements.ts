/**
 * Statements on PGlite sent as wire-protocol batches instead of through `PGlite.query`, which makes six separate
 * calls into the WebAssembly backend per statement (Parse, Describe, Bind, Describe, Execute, Sync) and parses and
 * plans the text every time. Here a text with parameters is prepared once under a name (its parameter types kept
 * from that Describe) and each later call is one Bind/Describe/Execute/Sync batch: about 0.1 ms for a primary-key
 * SELECT instead of 0.7-1 ms. Values are serialized and rows parsed by PGlite's own serializers and parsers, as
 * `query` does, so results are the same. A transaction's BEGIN rides with its first statement. Callers serialize
 * access (store/pglite.ts holds one lock for all of it).
 */
import { parse, protocol } from '@electric-sql/pglite';
import type { PGlite } from '@electric-sql/pglite';
import type { Row } from './db.js';

/** As for PostgreSQL (store/postgres.ts): the code's texts are few; generated multi-row inserts must not pile up. */
const MAX_PREPARED = 400;
const MAX_PREPARED_SQL = 4000;

type BackendMessages = Parameters<typeof parse.parseResults>[0];

interface Prepared {
  readonly name: string;
  readonly types: readonly number[];
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const { serialize } = protocol;
const EXECUTE_TAIL = concat([serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]);
const BEGIN = serialize.query('BEGIN');

export class PgliteStatements {
  private readonly prepared = new Map<string, Prepared>();
  private seq = 0;
  /** BEGIN was asked for and not sent yet: it goes in front of the next batch. */
  private beginPending = false;

  constructor(private readonly pg: PGlite) {}

  /** One statement with $n parameters (a single statement, as for `PGlite.query`). */
  async run<R extends Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    try {
      const messages = await this.pg.runExclusive(() => (params.length ? this.runPrepared(sql, params) : this.runUnprepared(sql)));
      // The last result set: a BEGIN sent in front has its own.
      return parse.parseResults(messages, this.pg.parsers).at(-1)!.rows as R[];
    } catch (err) {
      // A table altered under a prepared `SELECT *` (a migration): forget the names; this call fails, the next prepares again.
      if ((err as { code?: string }).code === '0A000') this.prepared.clear();
      throw Object.assign(err as Error, { query: sql, params });
    }
  }

  /** Open a transaction: BEGIN is sent with the next statement (one call into the backend fewer). */
  begin(): void {
    this.beginPending = true;
  }

  /**
   * End the transaction with COMMIT or ROLLBACK; returns the command tag (ROLLBACK when COMMIT found it aborted).
   * A transaction that ran no statement was never begun and ends here without a call.
   */
  async end(command: 'COMMIT' | 'ROLLBACK'): Promise<string | undefined> {
    if (this.beginPending) {
      this.beginPending = false;
      return command;
    }
    const messages = await this.pg.runExclusive(async () => (await this.send([serialize.query(command), serialize.sync()])).messages);
    return parse.parseResults(messages, this.pg.parsers).at(-1)?.command;
  }

  private send(parts: Uint8Array[]): ReturnType<PGlite['execProtocol']> {
    if (this.beginPending) {
      this.beginPending = false;
      parts.unshift(BEGIN);
    }
    return this.pg.execProtocol(concat(parts), { syncToFs: false });
  }

  private async runUnprepared(sql: string): Promise<BackendMessages> {
    return (await this.send([serialize.parse({ text: sql }), serialize.bind({}), EXECUTE_TAIL])).messages;
  }

  private async runPrepared(sql: string, params: readonly unknown[]): Promise<BackendMessages> {
    let p = this.prepared.get(sql);
    if (!p) {
      const name = this.prepared.size < MAX_PREPARED && sql.length <= MAX_PREPARED_SQL ? `dp${++this.seq}` : '';
      const described = await this.send([serialize.parse({ name, text: sql }), serialize.describe({ type: 'S', name }), serialize.sync()]);
      p = { name, types: parse.parseDescribeStatementResults(described.messages) };
      if (name) this.prepared.set(sql, p);
    }
    const values = params.map((v, i) => {
      if (v === null || v === undefined) return null;
      const toText = this.pg.serializers[p.types[i]];
      return toText ? toText(v) : String(v);
    });
    return (await this.send([serialize.bind({ statement: p.name, values }), EXECUTE_TAIL])).messages;
  }
}
