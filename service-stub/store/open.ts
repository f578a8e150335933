import type { Db } from './db.js';
import { migrate } from './migrate.js';

export interface StoreOptions {
  /** postgres://... : shared PostgreSQL. Otherwise the embedded PGlite store in dataDir. */
  databaseUrl?: string;
  dataDir?: string;
  /** Keep the embedded store in memory (tests). */
  inMemory?: boolean;
}

export async function openStore(opts: StoreOptions): Promise<Db> {
  const db = opts.databaseUrl
    ? await (await import('./postgres.js')).openPostgres(opts.databaseUrl)
    : await (await import('./pglite.js')).openPglite(opts.inMemory ? undefined : opts.dataDir);
  await migrate(db);
  return db;
}
