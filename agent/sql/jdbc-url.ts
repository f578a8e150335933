/**
 * JDBC connection strings mapped to our drivers (taskrunner.md 5.12): jdbc:mysql / jdbc:mariadb -> mysql2,
 * jdbc:postgresql / jdbc:redshift -> pg, jdbc:sqlserver (and jTDS's jdbc:jtds:sqlserver) -> tedious. URL
 * parameters and `jdbcProperties` are translated to ConnectOptions; an unknown property is reported through
 * `warn` and ignored. jdbcDriverClass must fit the URL; jdbcDriverJarUri cannot be honoured (no JVM) and is ignored.
 */
import { InvalidConnectionString, SqlFailure, UnsupportedDatabase } from './errors.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_PORTS } from './options.js';
import type { ConnectOptions, EngineKind, TlsMode } from './options.js';

export interface JdbcUrl {
  engine: EngineKind;
  /** The scheme as written, e.g. "jdbc:mariadb". */
  scheme: string;
  host: string;
  port: number;
  database?: string;
  instanceName?: string;
  /** URL parameters in order, names as written. */
  params: [string, string][];
  /** Extra hosts of a failover list (not used: the first host is). */
  otherHosts: string[];
}

const SCHEMES: readonly [RegExp, EngineKind][] = [
  [/^jdbc:(mysql|mariadb)(?::(?:loadbalance|replication|failover|sequential|aurora))?:\/\//i, 'mysql'],
  [/^jdbc:postgresql:/i, 'postgres'],
  [/^jdbc:redshift:\/\//i, 'redshift'],
  [/^jdbc:(?:sqlserver|jtds:sqlserver):\/\//i, 'sqlserver'],
];

function decode(objectId: string, url: string, s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new InvalidConnectionString(objectId, url, `bad percent-encoding in ${JSON.stringify(s)}`);
  }
}

function hostPort(objectId: string, url: string, engine: EngineKind, hp: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*))(?::(\d*))?$/.exec(hp);
  if (!m) throw new InvalidConnectionString(objectId, url, `cannot read host and port from ${JSON.stringify(hp)}`);
  const host = m[1] ?? m[2] ?? '';
  if (host === '') throw new InvalidConnectionString(objectId, url, 'the host is empty');
  if (m[3] === undefined || m[3] === '') return { host, port: DEFAULT_PORTS[engine] };
  const port = Number(m[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidConnectionString(objectId, url, `port ${m[3]} is out of range`);
  return { host, port };
}

function parseQuery(objectId: string, url: string, q: string): [string, string][] {
  return q
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? [decode(objectId, url, p), ''] : [decode(objectId, url, p.slice(0, eq)), decode(objectId, url, p.slice(eq + 1))];
    });
}

/** `//host[:port][,host2...][/database][?k=v&...]` (MySQL, PostgreSQL, Redshift). */
function parseSlashForm(objectId: string, url: string, engine: EngineKind, scheme: string, rest: string): JdbcUrl {
  const q = rest.indexOf('?');
  const params = q < 0 ? [] : parseQuery(objectId, url, rest.slice(q + 1));
  const path = q < 0 ? rest : rest.slice(0, q);
  if (!path.startsWith('//')) {
    // jdbc:postgresql:database and jdbc:postgresql:/ mean localhost:5432.
    if (engine !== 'postgres') throw new InvalidConnectionString(objectId, url, 'expected // after the scheme');
    const db = path.replace(/^\//, '');
    return { engine, scheme, host: 'localhost', port: DEFAULT_PORTS[engine], database: db ? decode(objectId, url, db) : undefined, params, otherHosts: [] };
  }
  const afterSlashes = path.slice(2);
  const slash = afterSlashes.indexOf('/');
  const hosts = slash < 0 ? afterSlashes : afterSlashes.slice(0, slash);
  const db = slash < 0 ? '' : afterSlashes.slice(slash + 1);
  if (hosts.includes('(') || hosts.includes('@')) {
    throw new InvalidConnectionString(objectId, url, 'host specifications with address=(...) or user@host are not supported; use //host:port/database');
  }
  const list = hosts.split(',').filter((h) => h !== '');
  if (list.length === 0) throw new InvalidConnectionString(objectId, url, 'no host');
  const { host, port } = hostPort(objectId, url, engine, list[0]);
  return { engine, scheme, host, port, database: db ? decode(objectId, url, db) : undefined, params, otherHosts: list.slice(1) };
}

/** Splits on `;` outside `{...}` (SQL Server's quoting for values holding `;` or `=`). */
function splitProps(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const c of s) {
    if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    if (c === ';' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** `//host[\instance][:port][;k=v]*` (SQL Server) and jTDS's `//host[:port][/database][;k=v]*`. */
function parseSqlServer(objectId: string, url: string, scheme: string, rest: string): JdbcUrl {
  const parts = splitProps(rest.slice(2));
  let server = parts[0];
  let database: string | undefined;
  const slash = server.indexOf('/');
  if (slash >= 0) {
    database = server.slice(slash + 1) || undefined;
    server = server.slice(0, slash);
  }
  const params: [string, string][] = [];
  for (const p of parts.slice(1)) {
    if (p.trim() === '') continue;
    const eq = p.indexOf('=');
    if (eq < 0) throw new InvalidConnectionString(objectId, url, `property ${JSON.stringify(p)} has no '='`);
    // Values may be wrapped in {...} to hold ';' and '='.
    params.push([p.slice(0, eq).trim(), p.slice(eq + 1).trim().replace(/^\{(.*)\}$/, '$1')]);
  }
  let instanceName: string | undefined;
  const bs = server.indexOf('\\');
  if (bs >= 0) {
    const after = server.slice(bs + 1);
    const colon = after.indexOf(':');
    instanceName = colon < 0 ? after : after.slice(0, colon);
    server = server.slice(0, bs) + (colon < 0 ? '' : after.slice(colon));
  }
  const get = (k: string) => params.find(([n]) => n.toLowerCase() === k)?.[1];
  if (server === '') server = get('servername') ?? '';
  if (server === '') throw new InvalidConnectionString(objectId, url, 'no server: give //host or serverName=');
  let { host, port } = hostPort(objectId, url, 'sqlserver', server);
  const portProp = get('portnumber') ?? get('port');
  if (portProp !== undefined) port = hostPort(objectId, url, 'sqlserver', `x:${portProp}`).port;
  return { engine: 'sqlserver', scheme, host, port, database: get('databasename') ?? get('database') ?? database, instanceName: get('instancename') ?? instanceName, params, otherHosts: [] };
}

export function parseJdbcUrl(objectId: string, url: string): JdbcUrl {
  const u = url.trim();
  if (/^jdbc:oracle:/i.test(u)) {
    throw new UnsupportedDatabase(`Object ${objectId}: Oracle (jdbc:oracle:) is not supported by this Task Runner: it has no Oracle driver; supported: MySQL/MariaDB, PostgreSQL, Redshift, SQL Server`);
  }
  if (/^jdbc:redshift:iam:/i.test(u)) {
    throw new UnsupportedDatabase(`Object ${objectId}: jdbc:redshift:iam: (IAM authentication) is not supported; use jdbc:redshift:// with username and *password`);
  }
  for (const [re, engine] of SCHEMES) {
    const m = re.exec(u);
    if (!m) continue;
    const scheme = m[0].replace(/:\/\/$|:$/, '');
    const rest = u.slice(m[0].length - (m[0].endsWith('//') ? 2 : 0));
    return engine === 'sqlserver' ? parseSqlServer(objectId, u, scheme, rest) : parseSlashForm(objectId, u, engine, scheme, rest);
  }
  const scheme = /^jdbc:[a-z0-9]+/i.exec(u)?.[0];
  if (scheme) {
    throw new UnsupportedDatabase(
      `Object ${objectId}: ${scheme}: databases are not supported; supported URL forms: jdbc:mysql://, jdbc:mariadb://, jdbc:postgresql://, jdbc:redshift://, jdbc:sqlserver://`,
    );
  }
  throw new InvalidConnectionString(objectId, u, 'it does not start with jdbc:');
}

/** Driver classes we know, by the family of URLs each accepts. */
const DRIVER_FAMILIES: readonly { re: RegExp; accepts: readonly EngineKind[]; name: string }[] = [
  { re: /^(com\.mysql\.(cj\.)?jdbc\.Driver|org\.mariadb\.jdbc\.Driver|org\.gjt\.mm\.mysql\.Driver)$/, accepts: ['mysql'], name: 'MySQL/MariaDB' },
  { re: /^org\.postgresql\.Driver$/, accepts: ['postgres'], name: 'PostgreSQL' },
  { re: /^com\.amazon\.redshift\.jdbc\d*\.Driver$/, accepts: ['redshift', 'postgres'], name: 'Redshift' },
  { re: /^(com\.microsoft\.sqlserver\.jdbc\.SQLServerDriver|net\.sourceforge\.jtds\.jdbc\.Driver)$/, accepts: ['sqlserver'], name: 'SQL Server' },
  { re: /^oracle\.jdbc\.(driver\.)?OracleDriver$/, accepts: [], name: 'Oracle' },
];

/**
 * Checks jdbcDriverClass against the URL: a known class of another family is an error naming both; an unknown
 * class is reported through `warn` (our native driver is chosen by the URL anyway).
 */
export function checkDriverClass(objectId: string, driverClass: string | undefined, url: JdbcUrl, warn: (msg: string) => void): void {
  const cls = driverClass?.trim();
  if (!cls) return;
  const fam = DRIVER_FAMILIES.find((f) => f.re.test(cls));
  if (!fam) {
    warn(`Object ${objectId}: jdbcDriverClass ${cls} is not one this Task Runner knows; the driver is chosen by the URL (${url.scheme}:)`);
    return;
  }
  if (!fam.accepts.includes(url.engine)) {
    throw new SqlFailure(
      'JdbcDriverMismatch',
      `Object ${objectId}: jdbcDriverClass ${cls} (${fam.name}) does not match connectionString ${url.scheme}://${url.host}:${url.port}; use a ${url.engine === 'sqlserver' ? 'SQL Server' : url.engine} driver class or fix the URL`,
    );
  }
}

export interface ConnectionFields {
  objectId: string;
  username?: string;
  password?: string;
  databaseName?: string;
  /** `jdbcProperties` values, each `A=B`. */
  jdbcProperties?: readonly string[];
}

const TRUE = /^(true|yes|1|on)$/i;

/** Properties that are understood but change nothing for a native driver (so they are not reported). */
const NO_EFFECT = new Set(
  ['useunicode', 'autoreconnect', 'zerodatetimebehavior', 'servertimezone', 'uselegacydatetimecode', 'tinyint1isbit', 'allowmultiqueries', 'rewritebatchedstatements', 'usecursorfetch', 'defaultrowfetchsize', 'prepareThreshold', 'sendStringParametersAsUnicode', 'selectMethod', 'responseBuffering', 'allowPublicKeyRetrieval', 'cachePrepStmts', 'useServerPrepStmts'].map((s) => s.toLowerCase()),
);

function seconds(v: string): number | undefined {
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n * 1000 : undefined;
}
function millis(v: string): number | undefined {
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Java charset names (characterEncoding) to MySQL character sets. */
function mysqlCharset(v: string): string | undefined {
  const k = v.toLowerCase().replace(/[-_]/g, '');
  const map: Record<string, string> = { utf8: 'UTF8MB4_UNICODE_CI', utf8mb4: 'UTF8MB4_UNICODE_CI', iso88591: 'LATIN1_SWEDISH_CI', latin1: 'LATIN1_SWEDISH_CI', cp1252: 'LATIN1_SWEDISH_CI', usascii: 'ASCII_GENERAL_CI', ascii: 'ASCII_GENERAL_CI' };
  return map[k];
}

const PG_SSLMODE: Record<string, TlsMode> = { disable: 'off', allow: 'off', prefer: 'off', require: 'on', 'verify-ca': 'verify', 'verify-full': 'verify' };
const MY_SSLMODE: Record<string, TlsMode> = { disabled: 'off', disable: 'off', preferred: 'off', required: 'on', trust: 'on', verify_ca: 'verify', 'verify-ca': 'verify', verify_identity: 'verify', 'verify-full': 'verify' };

/**
 * The connection options for a parsed URL plus the object's fields. Each property not understood goes to `warn`
 * once per call; the caller decides how often to log.
 */
export function toConnectOptions(url: JdbcUrl, f: ConnectionFields, warn: (msg: string) => void): ConnectOptions {
  const o: ConnectOptions = {
    objectId: f.objectId,
    engine: url.engine,
    host: url.host,
    port: url.port,
    database: url.database ?? (f.databaseName?.trim() || undefined),
    instanceName: url.instanceName,
    connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
  };
  if (url.otherHosts.length > 0) warn(`Object ${f.objectId}: only the first host of ${[url.host, ...url.otherHosts].join(',')} is used (no failover)`);
  const props: [string, string][] = [...url.params];
  for (const p of f.jdbcProperties ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) {
      warn(`Object ${f.objectId}: jdbcProperties value ${JSON.stringify(p.replace(/password.*/i, 'password=***'))} is not A=B; ignored`);
      continue;
    }
    props.push([p.slice(0, eq).trim(), p.slice(eq + 1).trim()]);
  }
  let user: string | undefined;
  let password: string | undefined;
  let verifyCert: boolean | undefined; // MySQL verifyServerCertificate / SQL Server trustServerCertificate (inverted)
  let wantTls: boolean | undefined;
  const eng = url.engine;
  const my = eng === 'mysql';
  const pg = eng === 'postgres' || eng === 'redshift';
  const ms = eng === 'sqlserver';
  for (const [name, value] of props) {
    const k = name.toLowerCase();
    let ok = true;
    if (k === 'user' || (ms && k === 'username')) user = value;
    else if (k === 'password') password = value;
    else if (k === 'ssl' || k === 'usessl' || k === 'requiressl') wantTls = TRUE.test(value);
    else if (k === 'sslmode' && (pg || my)) {
      const m = (pg ? PG_SSLMODE : MY_SSLMODE)[value.toLowerCase()];
      if (m === undefined) throw new InvalidConnectionString(f.objectId, `${url.scheme}://${url.host}:${url.port}`, `sslmode=${value} is not one of ${Object.keys(pg ? PG_SSLMODE : MY_SSLMODE).join(', ')}`);
      o.tls = m;
    } else if (k === 'sslfactory' && pg) {
      if (/NonValidatingFactory$/.test(value)) verifyCert = false;
      else ok = false;
    } else if (k === 'sslrootcert' || k === 'serversslcert') o.caFile = value;
    else if (k === 'verifyservercertificate' && my) verifyCert = TRUE.test(value);
    else if (k === 'trustservercertificate') verifyCert = !TRUE.test(value);
    else if (k === 'encrypt' && ms) {
      const v = value.toLowerCase();
      wantTls = v === 'true' || v === 'strict' || v === 'mandatory' || v === 'yes';
    } else if (k === 'connecttimeout') o.connectTimeoutMs = (my ? millis(value) : seconds(value)) || o.connectTimeoutMs;
    else if (k === 'logintimeout') o.connectTimeoutMs = seconds(value) || o.connectTimeoutMs;
    else if (k === 'sockettimeout') o.socketTimeoutMs = (my || ms ? millis(value) : seconds(value)) || undefined;
    else if (k === 'querytimeout' && ms) o.queryTimeoutMs = seconds(value) || undefined;
    else if (k === 'characterencoding' || k === 'charset' || k === 'charencoding') {
      if (my) {
        o.charset = mysqlCharset(value);
        if (!o.charset) warn(`Object ${f.objectId}: characterEncoding=${value} has no MySQL equivalent here; utf8mb4 is used`);
      } else if (!/^utf-?8$/i.test(value)) warn(`Object ${f.objectId}: ${name}=${value} is ignored: this driver always uses UTF-8`);
    } else if (k === 'currentschema' && pg) o.currentSchema = value;
    else if (k === 'applicationname' || k === 'application_name' || k === 'appname') o.applicationName = value;
    else if (k === 'tcpkeepalive') o.keepAlive = TRUE.test(value);
    else if (ms && (k === 'databasename' || k === 'database' || k === 'servername' || k === 'portnumber' || k === 'port' || k === 'instancename')) {
      // already read by the URL parser
    } else if (ms && k === 'integratedsecurity' && TRUE.test(value)) {
      throw new UnsupportedDatabase(`Object ${f.objectId}: integratedSecurity (Windows authentication) is not supported; use username and *password`);
    } else if (ms && k === 'hostnameincertificate') o.tlsServerName = value;
    else ok = NO_EFFECT.has(k);
    if (!ok) warn(`Object ${f.objectId}: JDBC property ${name} is not supported by the native ${eng} driver; ignored`);
  }
  if (wantTls === false) o.tls = 'off';
  else if (wantTls === true && (o.tls === undefined || o.tls === 'off')) o.tls = 'verify';
  if (verifyCert === false && o.tls !== 'off' && (o.tls !== undefined || ms)) o.tls = 'on';
  if (verifyCert === true && o.tls === 'on') o.tls = 'verify';
  o.user = f.username?.trim() ? f.username : user;
  o.password = f.password ?? password;
  return o;
}
