/**
 * CPU of the PostgreSQL backends serving one database, so that other sessions' queries on the same machine do not
 * count (postgresCpuSeconds() adds up every postgres process). Backends are found by database name in
 * pg_stat_activity; sample before and after a measurement and subtract with cpuDelta(). WAL writer and
 * checkpointer work is shared and not included (each backend flushes its own commits' WAL).
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { PG_ADMIN_URL } from '../../test/support/server.js';
import { cpuSeconds } from './server-process.js';

export type CpuSample = Map<number, number>;

/** The database a bench server process was started on (its --database-url), or undefined. */
export function serverDatabase(pid: number): string | undefined {
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const i = args.indexOf('--database-url');
  return i >= 0 ? new URL(args[i + 1]).pathname.slice(1) : undefined;
}

export async function backendCpu(database: string): Promise<CpuSample> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    const rows = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
    return new Map(rows.rows.map((r) => [r.pid, cpuSeconds(r.pid)]));
  } finally {
    await c.end();
  }
}

/** CPU seconds used between two samples; a backend that started in between counts from zero. */
export function cpuDelta(before: CpuSample, after: CpuSample): number {
  let total = 0;
  for (const [pid, s] of after) total += s - (before.get(pid) ?? 0);
  return total;
}
