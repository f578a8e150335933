/** What an engine module needs to open a connection: the JDBC world translated, nothing driver-specific. */

export type EngineKind = 'mysql' | 'postgres' | 'redshift' | 'sqlserver';

/**
 * TLS: 'off' plaintext; 'on' encrypted without checking the certificate; 'verify' encrypted, certificate and host
 * name checked. Undefined: the engine's default (off for MySQL and PostgreSQL, 'verify' for SQL Server).
 */
export type TlsMode = 'off' | 'on' | 'verify';

export interface ConnectOptions {
  /** The pipeline object the database came from, for messages. */
  objectId: string;
  engine: EngineKind;
  host: string;
  port: number;
  database?: string;
  user?: string;
  /** Never logged, never in a message. */
  password?: string;
  tls?: TlsMode;
  /** SQL Server hostNameInCertificate: the name the certificate must carry. */
  tlsServerName?: string;
  /** PEM CA bundle file for 'verify' (sslrootcert, trustStore is not readable here). */
  caFile?: string;
  connectTimeoutMs: number;
  /** Idle socket timeout while a statement runs; undefined: none. */
  socketTimeoutMs?: number;
  /** Per-statement timeout; undefined: none. */
  queryTimeoutMs?: number;
  /** MySQL connection character set (mysql2 `charset`), e.g. UTF8MB4_UNICODE_CI. */
  charset?: string;
  /** PostgreSQL/Redshift search_path. */
  currentSchema?: string;
  applicationName?: string;
  /** SQL Server named instance (resolved through the SQL Browser service). */
  instanceName?: string;
  keepAlive?: boolean;
}

export const DEFAULT_PORTS: Readonly<Record<EngineKind, number>> = { mysql: 3306, postgres: 5432, redshift: 5439, sqlserver: 1433 };

/** The connect timeout when none is given (the brief: 30 s). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
