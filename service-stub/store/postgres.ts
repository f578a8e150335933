import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Db, Queryable, Row } from './db.js';
import { WAKE_CHANNEL } from './db.js';

/**
 * Statements with parameters run as named prepared statements, so each pooled connection parses and plans a
 * statement once instead of on every call (most of PostgreSQL's work per query on the dispatch path). The SQL
 * texts come from the code, so they are few; the caps keep generated texts (multi-row inserts) from piling up
 * in every connection's plan cache.
 */
const MAX_PREPARED = 400;
const MAX_PREPARED_SQL = 4000;
const statementNames = new Map<string, string>();
let generation = 0;

function toQuery(sql: string, params: readonly unknown[] | undefined): pg.QueryConfig {
  const values = params as unknown[] | undefined;
  if (!values?.length || sql.length > MAX_PREPARED_SQL) return { text: sql, values };
  let name = statementNames.get(sql);
  if (!name) {
    if (statementNames.size >= MAX_PREPARED) return { text: sql, values };
    name = `dp${generation}_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, values };
}

/**
 * A migration applied by another replica can change a table's row type under `SELECT *` statements prepared
 * here; PostgreSQL then refuses them. New names from then on re-prepare them (this request fails; its retry works).
 */
function onQueryError(err: unknown): never {
  if ((err as { code?: string }).code === '0A000' && /cached plan must not change result type/.test(String((err as Error).message))) {
    statementNames.clear();
    generation++;
  }
  throw err;
}

/** PostgreSQL through `pg`: several server processes may share one database. */
export async function openPostgres(url: string, poolSize = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  let listener: pg.Client | undefined;
  const handlers = new Map<string, Set<(payload: string) => void>>();

  async function listenerClient(): Promise<pg.Client> {
    if (listener) return listener;
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => {});
    c.on('notification', (n) => {
      for (const h of handlers.get(n.channel) ?? []) h(n.payload ?? '');
    });
    await c.connect();
    listener = c;
    return c;
  }

  return {
    kind: 'postgres',
    async query<R extends Row>(sql: string, params?: readonly unknown[]) {
      return (await pool.query<R>(toQuery(sql, params)).catch(onQueryError)).rows;
    },
    async tx(fn, wakeUps) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const q: Queryable = {
          async query<R extends Row>(sql: string, params?: readonly unknown[]) {
            return (await client.query<R>(toQuery(sql, params)).catch(onQueryError)).rows;
          },
        };
        const out = await fn(q);
        // The NOTIFYs and the COMMIT in one simple-protocol round trip: an error in one skips the rest of the text
        // and leaves the transaction aborted, for the ROLLBACK below, as separate statements would.
        const notifies = [...(wakeUps?.() ?? [])].map((g) => `SELECT pg_notify('${WAKE_CHANNEL}', ${client.escapeLiteral(g)})`);
        await client.query([...notifies, 'COMMIT'].join('; '));
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      const c = await listenerClient();
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await c.query(`LISTEN ${channel}`);
      }
      set.add(onPayload);
      return async () => {
        set.delete(onPayload);
      };
    },
    async close() {
      await listener?.end().catch(() => {});
      await pool.end();
    },
  };
}
