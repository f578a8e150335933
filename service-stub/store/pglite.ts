import { mkdirSync } from 'node:fs';
import { lockDataDir } from './data-dir-lock.js';
import type { Db, Queryable, Row } from './db.js';
import { PgliteStatements } from './pglite-statements.js';

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
  // One lock for every use of the database (statements, transactions, LISTEN, dumps): a statement from outside
  // must never run inside another caller's open transaction. PGlite's own transaction lock is not used by these paths.
  const { Mutex, TransactionAbortedError } = await import('@electric-sql/pglite');
  const lock = new Mutex();
  const stmts = new PgliteStatements(pg);
  return {
    kind: 'pglite',
    async query<R extends Row>(sql: string, params?: readonly unknown[]) {
      return lock.runExclusive(() => stmts.run<R>(sql, params));
    },
    async tx(fn) {
      return lock.runExclusive(async () => {
        stmts.begin();
        let open = true;
        const q: Queryable = {
          async query<R extends Row>(sql: string, params?: readonly unknown[]) {
            if (!open) throw new Error('Transaction is closed');
            return stmts.run<R>(sql, params);
          },
        };
        let out;
        try {
          out = await fn(q);
        } catch (err) {
          open = false;
          await stmts.end('ROLLBACK');
          throw err;
        }
        open = false;
        // A statement failed inside and fn went on: PostgreSQL rolls back on COMMIT; say so as PGlite.transaction does.
        if ((await stmts.end('COMMIT')) === 'ROLLBACK') throw new TransactionAbortedError();
        return out;
      });
    },
    async listen(channel, onPayload) {
      const unlisten = await lock.runExclusive(() => pg.listen(channel, onPayload));
      return async () => lock.runExclusive(() => unlisten());
    },
    async dump() {
      return lock.runExclusive(async () => (await pg.dumpDataDir('none')) as Blob);
    },
    async close() {
      await pg.close();
      unlock();
    },
  };
}
