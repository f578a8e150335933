/**
 * JdbcDatabase (taskrunner.md 3.9), and the legacy inline form of SqlDataNode / MySqlDataNode (connectionString,
 * username, *password on the node). jdbcDriverJarUri (and the agent's --jdbcDriverS3Path) cannot be honoured
 * without a JVM: native drivers are chosen by the URL, and those fields are ignored.
 */
import type { ObjectView } from '../../objects.js';
import { InvalidDatabase } from '../errors.js';
import { checkDriverClass, parseJdbcUrl, toConnectOptions } from '../jdbc-url.js';
import type { ConnectOptions } from '../options.js';
import { credentialFields } from './kind.js';
import type { DatabaseKind, ResolveContext } from './kind.js';

/** Options from an object carrying connectionString (+ jdbcDriverClass, credentials, jdbcProperties). */
export function fromConnectionString(db: ObjectView, ctx: Pick<ResolveContext, 'warn'>): ConnectOptions {
  const url = db.value('connectionString');
  if (!url || url.trim() === '') throw new InvalidDatabase(`Object ${db.id} (${db.type ?? 'no type'}) has no connectionString`);
  const parsed = parseJdbcUrl(db.id, url);
  checkDriverClass(db.id, db.value('jdbcDriverClass'), parsed, ctx.warn);
  return toConnectOptions(parsed, credentialFields(db), ctx.warn);
}

export const jdbcDatabase: DatabaseKind = {
  types: ['JdbcDatabase'],
  resolve: async (db, ctx) => fromConnectionString(db, ctx),
};
