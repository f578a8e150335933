/**
 * SQL failures, each a TaskFailure with a stable errorId, so task.ts reports them as they are. Messages name the
 * pipeline object, host, port, database and user; a password never goes into one (callers pass a ConnectTarget,
 * which has no password field).
 */
import { TaskFailure } from '../executors/executor.js';

/** What a message may say about where a connection went: everything but the password. */
export interface ConnectTarget {
  /** The pipeline object the database came from (e.g. "MyDb"). */
  objectId: string;
  engine: string;
  host: string;
  port: number;
  database?: string;
  user?: string;
}

export function describeTarget(t: ConnectTarget): string {
  return `${t.engine} ${t.host}:${t.port}${t.database ? `/${t.database}` : ''} as user ${t.user ? JSON.stringify(t.user) : '(none)'} (object ${t.objectId})`;
}

export type SqlErrorId =
  | 'SqlConnectFailed'
  | 'SqlAuthFailed'
  | 'SqlStatementFailed'
  | 'SqlArgumentMismatch'
  | 'SqlCanceled'
  | 'UnsupportedDatabase'
  | 'InvalidConnectionString'
  | 'InvalidDatabase'
  | 'JdbcDriverMismatch'
  | 'DatabaseLookupFailed'
  | 'InvalidSqlScript';

export class SqlFailure extends TaskFailure {
  constructor(
    override readonly errorId: SqlErrorId,
    message: string,
    /** The database's own error code (SQLSTATE, MySQL errno, SQL Server error number), when there is one. */
    readonly dbCode?: string,
  ) {
    super(errorId, message);
    this.name = errorId;
  }
}

/** Whether `e` is a SqlFailure (by shape: see isDbError for why not instanceof). */
export function isSqlFailure(e: unknown): e is SqlFailure {
  const id = (e as { errorId?: unknown } | undefined)?.errorId;
  return e instanceof Error && typeof id === 'string' && e.name === id;
}

export class SqlConnectFailed extends SqlFailure {
  constructor(target: ConnectTarget, reason: string, dbCode?: string) {
    super('SqlConnectFailed', `Cannot connect to ${describeTarget(target)}: ${reason}`, dbCode);
  }
}

export class SqlAuthFailed extends SqlFailure {
  constructor(target: ConnectTarget, reason: string, dbCode?: string) {
    super('SqlAuthFailed', `Authentication failed for ${describeTarget(target)}: ${reason}`, dbCode);
  }
}

export class SqlStatementFailed extends SqlFailure {
  constructor(message: string, dbCode?: string) {
    super('SqlStatementFailed', message, dbCode);
  }
}

export class UnsupportedDatabase extends SqlFailure {
  constructor(message: string) {
    super('UnsupportedDatabase', message);
  }
}

export class InvalidConnectionString extends SqlFailure {
  constructor(objectId: string, value: string, reason: string) {
    // A JDBC URL may carry `password=...`: show it masked.
    super('InvalidConnectionString', `Object ${objectId}: connectionString ${JSON.stringify(maskUrlSecrets(value))} is not usable: ${reason}`);
  }
}

export class InvalidDatabase extends SqlFailure {
  constructor(message: string) {
    super('InvalidDatabase', message);
  }
}

/** A `password=` property or `user:password@` in a JDBC URL, masked for messages and logs. */
export function maskUrlSecrets(url: string): string {
  return url.replace(/((?:^|[;?&])\s*password\s*=)[^;&]*/gi, '$1***').replace(/(\/\/[^/@:;]*:)[^/@;]*@/, '$1***@');
}
