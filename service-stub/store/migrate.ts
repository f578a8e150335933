import type { Db } from './db.js';
import * as m001 from './migrations/001-initial.js';

/** Versioned migrations, applied in order, each once, under an advisory lock so replicas can start together. */
const MIGRATIONS: readonly { version: number; sql: string }[] = [{ version: 1, sql: m001.sql }];

const LOCK_KEY = 0x6470_6d67; // "dpmg"

export async function migrate(db: Db): Promise<number> {
  return db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await q.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const rows = await q.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => r.version));
    let applied = 0;
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const stmt of m.sql.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean)) await q.query(stmt);
      await q.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version]);
      applied++;
    }
    return applied;
  });
}
