/**
 * CopyActivity with SQL data nodes, on the machine's PostgreSQL and MariaDB (a fresh `dp_copy_<random>` database
 * on both per test file, dropped after) and s3rver.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';
import { runCopy } from '../copy/helpers.js';
import type { CopyRun, Objects } from '../copy/helpers.js';
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

export interface CopyFixture {
  readonly s3: TestS3;
  readonly dbs: CopyDbs;
  /** A scratch directory of the running test. */
  readonly dir: string;
  /** CopyActivity over `objects` by an in-process agent on this fixture's S3. */
  copy(objects: Objects): Promise<CopyRun>;
}

/**
 * The hooks of a describe block that copies between s3rver and fresh databases: both started once (then `setup`
 * adds buckets, objects and tables), a scratch directory per test, everything removed after.
 */
export function copyFixture(setup: (s3: TestS3, dbs: CopyDbs) => Promise<void>): CopyFixture {
  let s3: TestS3 | undefined;
  let dbs: CopyDbs | undefined;
  let dir: string | undefined;
  const need = <T>(v: T | undefined, what: string): T => v ?? assert.fail(`${what} is used outside the fixture's tests`);
  before(async () => {
    s3 = await startTestS3();
    dbs = await copyDatabases();
    await setup(s3, dbs);
  });
  after(async () => {
    await dbs?.drop();
    await s3?.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dp-sqlcopy-'));
  });
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get s3() {
      return need(s3, 's3');
    },
    get dbs() {
      return need(dbs, 'dbs');
    },
    get dir() {
      return need(dir, 'dir');
    },
    copy: (objects) => runCopy(need(dir, 'dir'), need(s3, 's3').resources(), objects),
  };
}
