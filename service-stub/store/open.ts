import type { Db } from './db.js';
import { migrate } from './migrate.js';

export interface StoreOptions {
  /** postgres://... : shared PostgreSQL. Otherwise the embedded PGlite store in dataDir. */
  databaseUrl?: string;
  dataDir?: string;
  /** Keep the embedded store in memory (tests, demos). */
  inMemory?: boolean;
}

// A migrated, empty in-memory database, dumped once per process: cloning it takes about a second where a fresh
// initdb takes several (tests open many servers).
let emptyImage: Promise<Blob> | undefined;

export async function openStore(opts: StoreOptions): Promise<Db> {
  if (opts.databaseUrl) {
    const db = await (await import('./postgres.js')).openPostgres(opts.databaseUrl);
    await migrate(db);
    return db;
  }
  const { openPglite } = await import('./pglite.js');
  if (!opts.inMemory) {
    const db = await openPglite({ dataDir: opts.dataDir ?? './datapipe-data' });
    await migrate(db);
    return db;
  }
  if (!emptyImage) {
    emptyImage = (async () => {
      const seed = await openPglite({ memory: true });
      await migrate(seed);
      const image = await seed.dump();
      await seed.close();
      return image;
    })();
    emptyImage.catch(() => (emptyImage = undefined));
  }
  const db = await openPglite({ memory: true, image: await emptyImage });
  await migrate(db); // a no-op unless the image predates a migration
  return db;
}
