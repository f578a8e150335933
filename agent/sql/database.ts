/**
 * From a pipeline object to an open connection: the object's `database` reference (or its inline
 * connectionString, the legacy SqlDataNode / MySqlDataNode form) resolved by the module for its type, then the
 * engine module for the URL's driver, loaded lazily. Connections are per task: `withConnection` always closes.
 */
import type { Logger } from 'winston';
import type { AgentResources } from '../executors/executor.js';
import type { ObjectView } from '../objects.js';
import type { Connection, Engine } from './connection.js';
import type { DatabaseKind, ResolveContext } from './databases/kind.js';
import { fromConnectionString, jdbcDatabase } from './databases/jdbc.js';
import { rdsDatabase } from './databases/rds.js';
import { redshiftDatabase } from './databases/redshift.js';
import { InvalidDatabase, UnsupportedDatabase } from './errors.js';
import type { ConnectOptions, EngineKind } from './options.js';

const KINDS: readonly DatabaseKind[] = [jdbcDatabase, rdsDatabase, redshiftDatabase];
const BY_TYPE: ReadonlyMap<string, DatabaseKind> = new Map(KINDS.flatMap((k) => k.types.map((t) => [t, k] as const)));

const ENGINES: Readonly<Record<EngineKind, () => Promise<Engine>>> = {
  mysql: async () => (await import('./engines/mysql.js')).mysqlEngine,
  postgres: async () => (await import('./engines/postgres.js')).postgresEngine,
  redshift: async () => (await import('./engines/postgres.js')).postgresEngine,
  sqlserver: async () => (await import('./engines/sqlserver.js')).sqlServerEngine,
};

/** Warnings already logged (per agent process): a bad property is reported once, not on every attempt. */
const warned = new Set<string>();

export interface DatabaseContext {
  resources: AgentResources;
  signal: AbortSignal;
  log: Logger;
}

function resolveContext(c: DatabaseContext): ResolveContext {
  return {
    ...c,
    warn(msg) {
      if (warned.has(msg)) return;
      warned.add(msg);
      c.log.warn(msg);
    },
  };
}

/**
 * The connection options for `owner`: its `database` reference when it has one, else its own connectionString
 * (SqlDataNode / MySqlDataNode legacy form).
 */
export async function resolveDatabase(owner: ObjectView, c: DatabaseContext): Promise<ConnectOptions> {
  const db = owner.ref('database');
  if (!db) {
    if (owner.has('database')) throw new InvalidDatabase(`Object ${owner.id}: its database ${owner.value('database')} is not in the task`);
    if (owner.value('connectionString')) return fromConnectionString(owner, resolveContext(c));
    throw new InvalidDatabase(`Object ${owner.id} (${owner.type ?? 'no type'}) has no database reference and no connectionString`);
  }
  const kind = db.type ? BY_TYPE.get(db.type) : undefined;
  if (!kind) {
    throw new UnsupportedDatabase(`Object ${owner.id}: database ${db.id} has type ${db.type ?? '(none)'}; supported: ${[...BY_TYPE.keys()].join(', ')}`);
  }
  const o = await kind.resolve(db, resolveContext(c));
  // MySqlDataNode is SqlDataNode with a MySQL driver (taskrunner.md 3.8).
  if (owner.type === 'MySqlDataNode' && o.engine !== 'mysql') {
    throw new InvalidDatabase(`Object ${owner.id} is a MySqlDataNode but its database ${db.id} is ${o.engine}; use SqlDataNode`);
  }
  return o;
}

/** Opens a connection (the driver is imported now, on first use). Aborting `signal` cancels and closes it. */
export async function openConnection(o: ConnectOptions, signal: AbortSignal, log: Logger): Promise<Connection> {
  const engine = await ENGINES[o.engine]();
  return engine.connect(o, signal, log);
}

/** Resolves `owner`'s database, connects, runs `fn`, and closes the connection whatever happens. */
export async function withConnection<T>(owner: ObjectView, c: DatabaseContext, fn: (conn: Connection, o: ConnectOptions) => Promise<T>): Promise<T> {
  const o = await resolveDatabase(owner, c);
  c.log.info(`${owner.id}: connecting to ${o.engine} ${o.host}:${o.port}${o.database ? `/${o.database}` : ''} as ${o.user ?? '(no user)'}`);
  const conn = await openConnection(o, c.signal, c.log);
  try {
    return await fn(conn, o);
  } finally {
    await conn.close();
  }
}
