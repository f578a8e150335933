/**
 * CopyActivity with SQL data nodes, on the machine's PostgreSQL and MariaDB (a fresh `dp_copy_<random>` database
 * on both per test file, dropped after) and s3rver.
 */
import assert from 'node:assert/strict';
import { freshDatabases } from '../sql/fresh-dbs.js';
import type { FreshDbs } from '../sql/fresh-dbs.js';
import type { FieldValue } from '../s3/context.js';

export { MY_HOST, PG_HOST } from '../sql/fresh-dbs.js';
export type CopyDbs = FreshDbs;

export function copyDatabases(): Promise<CopyDbs> {
  return freshDatabases({
    prefix: 'dp_copy',
    // Fixture sessions are deliberately not UTC: the copy must not depend on the server's or client's zone.
    pgSession: [`SET TIME ZONE 'Europe/Berlin'`],
    myOptions: { dateStrings: true, supportBigNumbers: true, bigNumberStrings: true },
    myCreateSuffix: 'CHARACTER SET utf8mb4',
    mySession: [`SET time_zone = '+02:00'`],
  });
}

export function pgDb(dbs: CopyDbs, extra: Record<string, FieldValue> = {}): Record<string, FieldValue> {
  return { type: 'JdbcDatabase', connectionString: dbs.pgUrl, jdbcDriverClass: 'org.postgresql.Driver', username: 'postgres', '*password': 'unused', ...extra };
}

export function myDb(dbs: CopyDbs, extra: Record<string, FieldValue> = {}): Record<string, FieldValue> {
  return { type: 'JdbcDatabase', connectionString: dbs.myUrl, jdbcDriverClass: 'com.mysql.jdbc.Driver', username: 'root', ...extra };
}

export function sqlNodeOf(db: string, fields: Record<string, FieldValue>): Record<string, FieldValue> {
  return { type: 'SqlDataNode', database: { ref: db }, ...fields };
}

/** Waits (polling the database, not the clock) until no agent connection to the test database is left. */
export async function noAgentConnections(dbs: CopyDbs): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [[n]] = (await dbs.pg(`select count(*)::int from pg_stat_activity where datname = $1 and application_name = 'datapipe-taskrunner'`, [dbs.name])) as [[number]];
    if (n === 0) return;
    await dbs.pg('select pg_sleep(0.01)');
  }
  assert.fail('the copy left a PostgreSQL connection open');
}
