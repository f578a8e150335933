/**
 * CopyActivity with SQL data nodes, on the machine's PostgreSQL and MariaDB (a fresh `dp_copy_<random>` database
 * on both per test file, dropped after) and s3rver.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import mysql from 'mysql2/promise';
import type { FieldValue } from '../s3/context.js';

export const PG_HOST = '127.0.0.1';
export const MY_HOST = '127.0.0.1';

export interface CopyDbs {
  name: string;
  pgUrl: string;
  myUrl: string;
  pg(sql: string, params?: unknown[]): Promise<unknown[][]>;
  my(sql: string, params?: unknown[]): Promise<unknown[][]>;
  drop(): Promise<void>;
}

export async function copyDatabases(): Promise<CopyDbs> {
  const name = `dp_copy_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ host: PG_HOST, port: 5432, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const pgc = new pg.Client({ host: PG_HOST, port: 5432, user: 'postgres', database: name });
  await pgc.connect();
  // Fixture sessions are deliberately not UTC: the copy must not depend on the server's or client's zone.
  await pgc.query(`SET TIME ZONE 'Europe/Berlin'`);
  const myc = await mysql.createConnection({ host: MY_HOST, port: 3306, user: 'root', rowsAsArray: true, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  await myc.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
  await myc.query(`USE ${name}`);
  await myc.query(`SET time_zone = '+02:00'`);
  return {
    name,
    pgUrl: `jdbc:postgresql://${PG_HOST}:5432/${name}`,
    myUrl: `jdbc:mysql://${MY_HOST}:3306/${name}`,
    async pg(sql, params) {
      return (await pgc.query({ text: sql, values: params, rowMode: 'array' })).rows as unknown[][];
    },
    async my(sql, params) {
      const [rows] = await myc.query(sql, params);
      return Array.isArray(rows) ? (rows as unknown as unknown[][]) : [];
    },
    async drop() {
      await pgc.end().catch(() => {});
      const a = new pg.Client({ host: PG_HOST, port: 5432, user: 'postgres', database: 'postgres' });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
      await myc.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => {});
      await myc.end();
    },
  };
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
