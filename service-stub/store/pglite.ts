import { mkdirSync } from 'node:fs';
import { lockDataDir } from './data-dir-lock.js';
import type { Db, Queryable, Row } from './db.js';

/** What the embedded store is opened from: a data directory, a fresh in-memory database, or a dumped image. */
export type PgliteSource = { dataDir: string } | { memory: true; image?: Blob };

export interface PgliteDb extends Db {
  /** A tarball of the whole database (used to clone a migrated in-memory store quickly). */
  dump(): Promise<Blob>;
}

/** The embedded store: PGlite (Postgres in WebAssembly). One process owns it. */
export async function openPglite(source: PgliteSource): Promise<PgliteDb> {
  const { PGlite } = await import('@electric-sql/pglite');
  let pg;
  let unlock = () => {};
  if ('dataDir' in source) {
    // Owner only: PGlite creates its files world-writable (0666 whatever the umask), so a directory others can
    // enter would let any local user rewrite pipelines, and with them the commands runners execute.
    mkdirSync(source.dataDir, { recursive: true, mode: 0o700 });
    unlock = lockDataDir(source.dataDir);
    try {
      pg = await PGlite.create(source.dataDir);
    } catch (err) {
      unlock();
      throw err;
    }
  } else {
    pg = source.image ? await PGlite.create({ loadDataDir: source.image }) : await PGlite.create('memory://');
  }
  return {
    kind: 'pglite',
    async query<R extends Row>(sql: string, params?: readonly unknown[]) {
      return (await pg.query<R>(sql, params as unknown[])).rows;
    },
    async tx(fn) {
      return pg.transaction(async (t) => {
        const q: Queryable = {
          async query<R extends Row>(sql: string, params?: readonly unknown[]) {
            return (await t.query<R>(sql, params as unknown[])).rows;
          },
        };
        return fn(q);
      });
    },
    async listen(channel, onPayload) {
      const unlisten = await pg.listen(channel, onPayload);
      return async () => unlisten();
    },
    async dump() {
      return (await pg.dumpDataDir('none')) as Blob;
    },
    async close() {
      await pg.close();
      unlock();
    },
  };
}
