import { mkdirSync } from 'node:fs';
import type { Db, Queryable, Row } from './db.js';

/** The embedded store: PGlite (Postgres in WebAssembly) in a data directory. One process owns it. */
export async function openPglite(dataDir: string | undefined): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir ?? 'memory://');
  const q: Queryable = {
    async query<R extends Row>(sql: string, params?: readonly unknown[]) {
      return (await pg.query<R>(sql, params as unknown[])).rows;
    },
  };
  return {
    kind: 'pglite',
    query: q.query,
    async tx(fn) {
      return pg.transaction(async (t) =>
        fn({
          async query<R extends Row>(sql: string, params?: readonly unknown[]) {
            return (await t.query<R>(sql, params as unknown[])).rows;
          },
        }),
      );
    },
    async listen(channel, onPayload) {
      const unlisten = await pg.listen(channel, onPayload);
      return async () => unlisten();
    },
    async close() {
      await pg.close();
    },
  };
}
