/** The interface of a database kind module (JdbcDatabase, RdsDatabase, RedshiftDatabase, the inline form). */
import type { Logger } from 'winston';
import type { AgentResources } from '../../executors/executor.js';
import type { ObjectView } from '../../objects.js';
import type { ConnectOptions } from '../options.js';

export interface ResolveContext {
  resources: AgentResources;
  signal: AbortSignal;
  log: Logger;
  /** A warning about the database's settings, logged once per agent. */
  warn(msg: string): void;
}

export interface DatabaseKind {
  readonly types: readonly string[];
  /** The connection options for the database object `db`. Throws SqlFailure for unusable settings. */
  resolve(db: ObjectView, ctx: ResolveContext): Promise<ConnectOptions>;
}

/** The fields every database kind shares: username, *password, databaseName, jdbcProperties. */
export function credentialFields(db: ObjectView): { objectId: string; username?: string; password?: string; databaseName?: string; jdbcProperties: string[] } {
  return {
    objectId: db.id,
    username: db.value('username'),
    password: db.value('*password'),
    databaseName: db.value('databaseName'),
    jdbcProperties: db.values('jdbcProperties'),
  };
}
