/** A fresh database on the machine's PostgreSQL and MariaDB for one test file, dropped after. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import mysql from 'mysql2/promise';

export const PG_HOST = '127.0.0.1';
export const PG_PORT = 5432;
export const MY_HOST = '127.0.0.1';
export const MY_PORT = 3306;

export interface FreshDbs {
  name: string;
  pgUrl: string;
  myUrl: string;
  /** Runs admin SQL in the fresh PostgreSQL database. */
  pg(sql: string, params?: unknown[]): Promise<unknown[][]>;
  /** Runs admin SQL in the fresh MariaDB database. */
  my(sql: string, params?: unknown[]): Promise<unknown[][]>;
  drop(): Promise<void>;
}

export interface FreshDbOptions {
  /** Database name prefix (a random suffix is added). Default `dp_sql`. */
  prefix?: string;
  /** Statements run on the fixture's PostgreSQL session after connecting (e.g. a time zone). */
  pgSession?: string[];
  /** Extra mysql2 connection options for the fixture's MariaDB session. */
  myOptions?: mysql.ConnectionOptions;
  /** Statements run on the fixture's MariaDB session after `USE`. */
  mySession?: string[];
  /** `CREATE DATABASE` suffix on MariaDB, e.g. `CHARACTER SET utf8mb4`. */
  myCreateSuffix?: string;
}

export async function freshDatabases(o: FreshDbOptions = {}): Promise<FreshDbs> {
  const name = `${o.prefix ?? 'dp_sql'}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ host: PG_HOST, port: PG_PORT, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const pgc = new pg.Client({ host: PG_HOST, port: PG_PORT, user: 'postgres', database: name });
  await pgc.connect();
  for (const sql of o.pgSession ?? []) await pgc.query(sql);
  const myc = await mysql.createConnection({ host: MY_HOST, port: MY_PORT, user: 'root', rowsAsArray: true, ...o.myOptions });
  await myc.query(`CREATE DATABASE ${name}${o.myCreateSuffix ? ' ' + o.myCreateSuffix : ''}`);
  await myc.query(`USE ${name}`);
  for (const sql of o.mySession ?? []) await myc.query(sql);
  return {
    name,
    pgUrl: `jdbc:postgresql://${PG_HOST}:${PG_PORT}/${name}`,
    myUrl: `jdbc:mysql://${MY_HOST}:${MY_PORT}/${name}`,
    async pg(sql, params) {
      return (await pgc.query({ text: sql, values: params, rowMode: 'array' })).rows as unknown[][];
    },
    async my(sql, params) {
      const [rows] = await myc.query(sql, params);
      return Array.isArray(rows) ? (rows as unknown as unknown[][]) : [];
    },
    async drop() {
      await pgc.end().catch(() => {});
      const a = new pg.Client({ host: PG_HOST, port: PG_PORT, user: 'postgres', database: 'postgres' });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
      await myc.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => {});
      await myc.end();
    },
  };
}
