/**
 * A SqlDataNode / MySqlDataNode as CopyActivity sees it (taskrunner.md 3.8): `table`, `schemaName`,
 * `selectQuery`, `insertQuery`, `createTableSql`, and its database (a `database` ref or the inline legacy
 * connectionString). Connections are opened in a fixed session state so the text of values does not depend on
 * the server's configuration: UTC, ISO dates, hex bytea (render.ts).
 */
import type { ExecutionContext } from '../executors/executor.js';
import type { ObjectView } from '../objects.js';
import type { Connection } from '../sql/connection.js';
import { isDbError } from '../sql/connection.js';
import { openConnection, resolveDatabase } from '../sql/database.js';
import { describeTarget, isSqlFailure } from '../sql/errors.js';
import type { ConnectOptions } from '../sql/options.js';
import { targetOf } from '../sql/engines/common.js';
import { firstLine } from '../sql/split-statements.js';
import { CopyFailure } from './copier.js';

export interface SqlNode {
  node: ObjectView;
  /** `schemaName.table`, or `table`. */
  table: string;
  opts: ConnectOptions;
  /** For messages: engine host:port/database as user "u" (object X). Never the password. */
  where: string;
}

export async function sqlNode(node: ObjectView, ctx: ExecutionContext): Promise<SqlNode> {
  const table = node.value('table')?.trim();
  if (!table) throw new CopyFailure('InvalidDataNode', `${node.id}.table: a ${node.type ?? 'SqlDataNode'} needs a table`);
  const schema = node.value('schemaName')?.trim();
  let opts: ConnectOptions;
  try {
    opts = await resolveDatabase(node, { resources: ctx.resources, signal: ctx.signal, log: ctx.log });
  } catch (err) {
    throw sqlFailure(err, node.id);
  }
  return { node, table: schema ? `${schema}.${table}` : table, opts, where: describeTarget(targetOf(opts)) };
}

/** The node's selectQuery, or `select * from <schemaName.>table`. */
export function selectSql(n: SqlNode): string {
  const q = n.node.value('selectQuery')?.trim();
  return q ? q : `select * from ${n.table}`;
}

/**
 * Session settings that fix the text of temporal and binary values (render.ts), and PostgreSQL's client
 * encoding: pg decodes text as UTF-8, and COPY's bytes (pg-text.ts) go to the file as they come.
 */
export const SESSION: Readonly<Record<ConnectOptions['engine'], readonly string[]>> = {
  postgres: ["SET TIME ZONE 'UTC'", "SET DateStyle TO 'ISO, YMD'", "SET bytea_output TO 'hex'", "SET client_encoding TO 'UTF8'"],
  redshift: ["SET TIME ZONE 'UTC'", "SET DateStyle TO 'ISO, YMD'"],
  mysql: ["SET time_zone = '+00:00'"],
  sqlserver: [],
};

/** Opens the node's connection and sets the session up; errors name the node, host, database and user. */
export async function connectNode(n: SqlNode, ctx: ExecutionContext): Promise<Connection> {
  const { opts } = n;
  ctx.log.info(`${n.node.id}: connecting to ${opts.engine} ${opts.host}:${opts.port}${opts.database ? `/${opts.database}` : ''} as ${opts.user ?? '(no user)'}`);
  let conn: Connection;
  try {
    conn = await openConnection(opts, ctx.signal, ctx.log);
  } catch (err) {
    throw sqlFailure(err, n.node.id);
  }
  try {
    for (const s of SESSION[opts.engine]) await conn.query(s);
  } catch (err) {
    await conn.close();
    throw sqlFailure(err, n.node.id, `setting up the session on ${n.where}`);
  }
  return conn;
}

/**
 * Any SQL error as a CopyFailure naming the node: connect and auth failures keep their errorId (SqlConnectFailed,
 * SqlAuthFailed, SqlCanceled...); a statement the database rejected is SqlStatementFailed with `doing` and the
 * database's code.
 */
export function sqlFailure(err: unknown, nodeId: string, doing?: string): unknown {
  if (err instanceof CopyFailure) return err;
  if (isSqlFailure(err)) return new CopyFailure(err.errorId, `${nodeId}: ${err.message}`);
  const id = (err as { errorId?: unknown } | null)?.errorId;
  if (err instanceof Error && typeof id === 'string') return new CopyFailure(id, `${nodeId}: ${err.message}`);
  if (isDbError(err) && lostConnection(err)) {
    return new CopyFailure('SqlConnectionLost', `${nodeId}: ${doing ? `${doing}: ` : ''}the connection was lost (${err.message})`);
  }
  if (isDbError(err)) {
    const code = err.code ? ` [${err.code}]` : '';
    return new CopyFailure('SqlStatementFailed', `${nodeId}: ${doing ?? 'a statement'} failed: ${err.message}${err.message.includes(err.code ?? '\0') ? '' : code}`);
  }
  const sys = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && typeof sys === 'string' && /^E[A-Z]+$/.test(sys)) {
    // A socket error surfacing outside a statement (connection dropped between two calls).
    return new CopyFailure('SqlConnectionLost', `${nodeId}: ${doing ? `${doing}: ` : ''}the connection was lost (${err.message})`);
  }
  return err;
}

/**
 * The server ended the session (pg_terminate_backend, KILL, a restart) or the socket went: PostgreSQL SQLSTATE
 * class 08 and 57P01-57P03, MySQL 2006 / 2013 / 1927 / PROTOCOL_CONNECTION_LOST, socket errors, and the drivers' wording.
 */
function lostConnection(err: { code?: string; message: string }): boolean {
  const c = err.code ?? '';
  // System error codes (EPIPE, ECONNRESET, ETIMEDOUT...) are the socket going away under a statement.
  if (/^08|^57P0[123]$|^E[A-Z]+$/.test(c) || c === '2013' || c === '1927' || c === '2006' || c === 'PROTOCOL_CONNECTION_LOST') return true;
  return /Connection terminated|connection lost|server closed the connection|ECONNRESET|EPIPE|socket hang up|Connection is closed/i.test(err.message);
}

/** `running <field> "<first line>" on <where>` for messages. */
export function doing(field: string, sql: string, n: SqlNode): string {
  return `${field} "${firstLine(sql)}" on ${n.where}`;
}
