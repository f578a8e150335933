/**
 * The taskrunner command line, parsed exactly as TaskRunner-1.0.jar takes it (taskrunner.md 1.2, 1.3): the jar's
 * camelCase options in `--opt=value` and `--opt value` forms, the case variants `--accessID` and `--taskRunnerId`,
 * credentials.json through `--config`, plus our own extensions (marked in the help text). Hand-rolled rather than
 * yargs/util.parseArgs: both would either fold case or reject `--proxyPort -1`, and exact behaviour matters here.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';

export type ConfigErrorCode =
  | 'UNKNOWN_OPTION'
  | 'UNEXPECTED_ARGUMENT'
  | 'MISSING_VALUE'
  | 'INVALID_VALUE'
  | 'MISSING_REQUIRED'
  | 'INCOMPLETE_CREDENTIALS'
  | 'INCOMPLETE_PROXY'
  | 'CONFIG_FILE_MISSING'
  | 'CONFIG_FILE_INVALID'
  | 'CONFIG_FILE_KEYS';

/** A bad command line or credentials file. The message names the option (or file) and never holds a secret. */
export class ConfigError extends Error {
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** `--help` was given: not an error; the caller prints `text` and exits 0. */
export class HelpRequested extends Error {
  constructor(readonly text: string) {
    super('help requested');
    this.name = 'HelpRequested';
  }
}

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  source: 'options' | 'config-file';
}

/** A proxy given with the --proxy* options (the environment's proxies are in `envProxy`). */
export interface ProxyOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
}

/** The proxy variables of the environment, lowercase winning over uppercase (as curl and the AWS CLI do). */
export interface EnvProxy {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

export interface AgentConfig {
  workerGroup: string;
  region: string;
  /** Always set: --endpoint, else credentials.json `endpoint`, else the region's endpoint. */
  endpoint: string;
  endpointSource: 'option' | 'config-file' | 'region';
  /** Absolute. */
  outputDir: string;
  tasks: number;
  taskrunnerId: string;
  taskrunnerIdGiven: boolean;
  logUri?: string;
  configFile?: string;
  /** Keys from the options or credentials.json; undefined means the AWS default provider chain. */
  credentials?: StaticCredentials;
  proxy?: ProxyOptions;
  envProxy: EnvProxy;
  jdbcDriverS3Path?: string;
  s3NoProxy: boolean;
  shutdownTimeoutMs: number;
  progressIntervalMs: number;
  heartbeatIntervalMs: number;
  pollTimeoutMs: number;
  killGraceMs: number;
  /** Things to log once at start (e.g. the NTLM options, which are accepted but unsupported). No secrets. */
  warnings: string[];
}

type Kind = 'string' | 'secret' | 'path' | 'int' | 'port' | 'seconds' | 'bool' | 'help';

interface OptionSpec {
  name: string;
  aliases?: string[];
  kind: Kind;
  arg?: string;
  help: string;
  extension?: boolean;
}

const OPTIONS: readonly OptionSpec[] = [
  { name: 'help', kind: 'help', help: 'Print this text and exit.' },
  { name: 'config', kind: 'path', arg: 'PATH', help: 'credentials.json: {"access-id": ..., "private-key": ...}; region, endpoint, log-uri are fallbacks.' },
  { name: 'accessId', aliases: ['accessID'], kind: 'string', arg: 'KEY', help: 'AWS access key id (with --secretKey; wins over --config).' },
  { name: 'secretKey', kind: 'secret', arg: 'SECRET', help: 'AWS secret access key (with --accessId).' },
  { name: 'endpoint', kind: 'string', arg: 'URL', help: 'Data Pipeline endpoint. Default: https://datapipeline.<region>.amazonaws.com' },
  { name: 'workerGroup', kind: 'string', arg: 'NAME', help: 'Required. The worker group to poll (exact, case-sensitive).' },
  { name: 'taskrunnerId', aliases: ['taskRunnerId'], kind: 'string', arg: 'ID', help: 'Id of this runner for heartbeats. Default: a random UUID.' },
  { name: 'output', kind: 'path', arg: 'DIR', help: 'Local directory for logs and scratch files. Default: ./output' },
  { name: 'tasks', kind: 'int', arg: 'N', help: 'Number of tasks run at once (one poller each). Default: 2' },
  { name: 'region', kind: 'string', arg: 'REGION', help: 'Region to poll. Default: us-east-1' },
  { name: 'logUri', kind: 'string', arg: 'S3URI', help: 'S3 prefix the logs are uploaded to every hour and at exit. "none": no upload.' },
  { name: 'proxyHost', kind: 'string', arg: 'HOST', help: 'HTTP proxy host (else HTTPS_PROXY / HTTP_PROXY, honouring NO_PROXY).' },
  { name: 'proxyPort', kind: 'port', arg: 'PORT', help: 'HTTP proxy port. Default: 80. -1: unset.' },
  { name: 'proxyUsername', kind: 'string', arg: 'USER', help: 'Proxy user name (Basic auth).' },
  { name: 'proxyPassword', kind: 'secret', arg: 'PW', help: 'Proxy password (Basic auth).' },
  { name: 'proxyDomain', kind: 'string', arg: 'DOMAIN', help: 'NTLM proxy domain: accepted, not supported.' },
  { name: 'proxyWorkstation', kind: 'string', arg: 'WS', help: 'NTLM proxy workstation: accepted, not supported.' },
  { name: 'jdbcDriverS3Path', kind: 'string', arg: 'S3URI', help: 'S3 path of JDBC drivers (accepted; native drivers are used).' },
  { name: 's3NoProxy', kind: 'bool', arg: 'BOOL', help: 'Do not use the proxy for S3. Default: false' },
  { name: 'shutdownTimeout', kind: 'seconds', arg: 'SECONDS', extension: true, help: 'On SIGTERM, how long running tasks may finish before they are killed. Default: 300' },
  { name: 'progressInterval', kind: 'seconds', arg: 'SECONDS', extension: true, help: 'Interval of ReportTaskProgress per running task. Default: 60' },
  { name: 'heartbeatInterval', kind: 'seconds', arg: 'SECONDS', extension: true, help: 'Interval of ReportTaskRunnerHeartbeat. Default: 900' },
  { name: 'pollTimeout', kind: 'seconds', arg: 'SECONDS', extension: true, help: 'How long one PollForTask may take before it is aborted (the service holds it up to 90 s). Default: 100' },
  { name: 'killGrace', kind: 'seconds', arg: 'SECONDS', extension: true, help: 'Time between SIGTERM and SIGKILL to a task\'s process group. Default: 10' },
];

const BY_NAME = new Map<string, OptionSpec>(OPTIONS.flatMap((o) => [o.name, ...(o.aliases ?? [])].map((n) => [n, o] as const)));

export function usage(): string {
  const line = (o: OptionSpec): string => {
    const names = [o.name, ...(o.aliases ?? [])].map((n) => `--${n}${o.arg ? `=${o.arg}` : ''}`).join(', ');
    return `  ${names}\n      ${o.extension ? '[extension] ' : ''}${o.help}`;
  };
  return [
    'Usage: taskrunner --workerGroup=NAME [options]',
    '',
    'A drop-in for the AWS Data Pipeline TaskRunner-1.0.jar. Options take --opt=value or --opt value.',
    '',
    'Options of TaskRunner-1.0.jar:',
    ...OPTIONS.filter((o) => !o.extension).map(line),
    '',
    'Extensions of this task runner (not in the jar):',
    ...OPTIONS.filter((o) => o.extension).map(line),
    '',
    'Credentials: --accessId/--secretKey, else --config, else the AWS default chain',
    '(environment, shared profile, SSO, container or EC2 instance role).',
    '',
  ].join('\n');
}

export interface ParseOptions {
  /** Directory relative paths resolve against. Default: process.cwd(). */
  cwd?: string;
  /** Reads credentials.json; injectable for tests. Default: readFileSync(path, 'utf8'). */
  readFile?: (path: string) => string;
}

/** Parse argv (without node and the script), read credentials.json if given, apply defaults. Throws ConfigError or HelpRequested. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv, opts: ParseOptions = {}): AgentConfig {
  if (argv.some((a) => a === '--help' || a.startsWith('--help='))) throw new HelpRequested(usage());
  const raw = scan(argv);
  const cwd = opts.cwd ?? process.cwd();
  const home = env.HOME ?? homedir();
  const get = (n: string): string | undefined => raw.get(n);

  const workerGroup = get('workerGroup');
  if (workerGroup === undefined) throw new ConfigError('MISSING_REQUIRED', '--workerGroup is required (the worker group to poll); see taskrunner --help');
  if (workerGroup.length > 1024) throw invalid('workerGroup', workerGroup, 'is longer than 1024 characters');

  const warnings: string[] = [];
  const configFile = get('config') === undefined ? undefined : toPath(get('config') as string, cwd, home);
  const file = configFile === undefined ? undefined : readCredentialsFile(configFile, opts.readFile);

  const accessId = get('accessId');
  const secretKey = get('secretKey');
  if ((accessId === undefined) !== (secretKey === undefined)) {
    throw new ConfigError('INCOMPLETE_CREDENTIALS', `${accessId === undefined ? '--secretKey' : '--accessId'} was given without ${accessId === undefined ? '--accessId' : '--secretKey'}: give both or neither`);
  }
  let credentials: StaticCredentials | undefined;
  if (accessId !== undefined && secretKey !== undefined) credentials = { accessKeyId: accessId, secretAccessKey: secretKey, source: 'options' };
  else if (file) {
    if (file.accessId === undefined || file.privateKey === undefined) {
      const missing = [file.accessId === undefined ? '"access-id"' : '', file.privateKey === undefined ? '"private-key"' : ''].filter(Boolean).join(' and ');
      throw new ConfigError('CONFIG_FILE_KEYS', `--config ${configFile}: ${missing} missing (expected {"access-id": ..., "private-key": ...})`);
    }
    credentials = { accessKeyId: file.accessId, secretAccessKey: file.privateKey, source: 'config-file' };
  }

  const regionOpt = get('region');
  const region = regionOpt ?? file?.region ?? 'us-east-1';
  const fromFile = (key: string): string => `--config ${configFile} "${key}"`;
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(region)) throw invalid(regionOpt !== undefined ? '--region' : fromFile('region'), region, 'is not a region name (e.g. us-east-1)');

  const endpointOpt = get('endpoint') ?? file?.endpoint;
  const endpoint = endpointOpt === undefined ? `https://datapipeline.${region}.amazonaws.com` : toEndpoint(endpointOpt, get('endpoint') !== undefined ? '--endpoint' : fromFile('endpoint'));
  const endpointSource = get('endpoint') !== undefined ? 'option' : file?.endpoint !== undefined ? 'config-file' : 'region';

  const logUriRaw = get('logUri') ?? file?.logUri;
  const logUri = logUriRaw === undefined || logUriRaw.toLowerCase() === 'none' ? undefined : s3Uri(get('logUri') !== undefined ? '--logUri' : fromFile('log-uri'), logUriRaw);
  const jdbc = get('jdbcDriverS3Path');
  const jdbcDriverS3Path = jdbc === undefined || jdbc.toLowerCase() === 'none' ? undefined : s3Uri('--jdbcDriverS3Path', jdbc);

  const proxy = proxyOptions(raw, warnings);
  const taskrunnerId = get('taskrunnerId');
  const pollTimeoutMs = seconds(raw, 'pollTimeout', 100, false);
  if (pollTimeoutMs <= 90_000 && new URL(endpoint).hostname.endsWith('.amazonaws.com')) {
    warnings.push(`--pollTimeout ${pollTimeoutMs / 1000} s is not above the service's 90 s long-poll hold: idle polls will be aborted and retried`);
  }

  return {
    workerGroup,
    region,
    endpoint,
    endpointSource,
    outputDir: toPath(get('output') ?? 'output', cwd, home),
    tasks: integer(raw, 'tasks', 2, 1, 1000),
    taskrunnerId: taskrunnerId ?? randomUUID(),
    taskrunnerIdGiven: taskrunnerId !== undefined,
    logUri,
    configFile,
    credentials,
    proxy,
    envProxy: {
      httpProxy: nonEmpty(env.http_proxy) ?? nonEmpty(env.HTTP_PROXY),
      httpsProxy: nonEmpty(env.https_proxy) ?? nonEmpty(env.HTTPS_PROXY),
      noProxy: nonEmpty(env.no_proxy) ?? nonEmpty(env.NO_PROXY),
    },
    jdbcDriverS3Path,
    s3NoProxy: bool(raw, 's3NoProxy'),
    shutdownTimeoutMs: seconds(raw, 'shutdownTimeout', 300, true),
    progressIntervalMs: seconds(raw, 'progressInterval', 60, false),
    heartbeatIntervalMs: seconds(raw, 'heartbeatInterval', 900, false),
    pollTimeoutMs,
    killGraceMs: seconds(raw, 'killGrace', 10, true),
    warnings,
  };
}

/** parseArgs with the process's own working directory and file system: what the CLI calls. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, opts: ParseOptions = {}): AgentConfig {
  return parseArgs(argv, env, opts);
}

/** Option name (canonical) -> raw value. Later occurrences win, as with most option parsers. */
function scan(argv: readonly string[]): Map<string, string> {
  const raw = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      throw new ConfigError('UNEXPECTED_ARGUMENT', `unexpected argument '${arg}': options look like --name=value; see taskrunner --help`);
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const spec = BY_NAME.get(name);
    if (!spec) {
      const near = OPTIONS.flatMap((o) => [o.name, ...(o.aliases ?? [])]).find((n) => n.toLowerCase() === name.toLowerCase());
      throw new ConfigError('UNKNOWN_OPTION', `unknown option --${name}${near ? ` (did you mean --${near}?)` : ''}; see taskrunner --help`);
    }
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (value === undefined) {
      const next = argv[i + 1];
      if (spec.kind === 'bool') {
        // A bare --s3NoProxy means true; it takes the next word only when that word is a boolean.
        if (next !== undefined && /^(true|false)$/i.test(next)) value = argv[++i];
        else value = 'true';
      } else if (next === undefined || next.startsWith('--')) {
        throw new ConfigError('MISSING_VALUE', `--${name} needs a value (--${name}=${spec.arg ?? 'VALUE'})`);
      } else value = argv[++i];
    }
    if (value === '') throw new ConfigError('MISSING_VALUE', `--${name} has an empty value`);
    raw.set(spec.name, value);
  }
  return raw;
}

interface CredentialsFile {
  accessId?: string;
  privateKey?: string;
  region?: string;
  endpoint?: string;
  logUri?: string;
}

function readCredentialsFile(path: string, readFile: ((p: string) => string) | undefined): CredentialsFile {
  let text: string;
  try {
    text = (readFile ?? ((p: string) => readFileSync(p, 'utf8')))(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError('CONFIG_FILE_MISSING', `--config ${path}: cannot read the file (${code ?? (e as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // V8's message quotes the text around the error, which may be the secret: give only the position.
    const pos = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new ConfigError('CONFIG_FILE_INVALID', `--config ${path}: not valid JSON${pos ? ` (at character ${pos})` : ''}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError('CONFIG_FILE_INVALID', `--config ${path}: expected a JSON object like {"access-id": ..., "private-key": ...}`);
  }
  const obj = data as Record<string, unknown>;
  const str = (key: string): string | undefined => {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.trim() === '') throw new ConfigError('CONFIG_FILE_KEYS', `--config ${path}: "${key}" must be a non-empty string`);
    return v.trim();
  };
  return { accessId: str('access-id'), privateKey: str('private-key'), region: str('region'), endpoint: str('endpoint'), logUri: str('log-uri') };
}

function proxyOptions(raw: Map<string, string>, warnings: string[]): ProxyOptions | undefined {
  let host = raw.get('proxyHost');
  const portRaw = raw.get('proxyPort');
  let port: number | undefined;
  if (portRaw !== undefined && portRaw !== '-1') {
    port = Number(portRaw);
    if (!/^\d+$/.test(portRaw) || port < 1 || port > 65535) throw invalid('proxyPort', portRaw, 'is not a port number (1-65535, or -1 for none)');
  }
  for (const n of ['proxyDomain', 'proxyWorkstation']) {
    if (raw.has(n)) warnings.push(`--${n} is accepted but NTLM proxy authentication is not supported; Basic auth is used when --proxyUsername is given`);
  }
  if (host === undefined) {
    const stray = ['proxyUsername', 'proxyPassword'].find((n) => raw.has(n)) ?? (port !== undefined ? 'proxyPort' : undefined);
    if (stray) throw new ConfigError('INCOMPLETE_PROXY', `--${stray} was given without --proxyHost`);
    return undefined;
  }
  // People write the proxy as a URL; the jar's option is a bare host.
  const m = /^(?:http:\/\/)?([^/:]+|\[[^\]]+\])(?::(\d+))?\/?$/i.exec(host);
  if (!m) throw invalid('proxyHost', host, 'is not a host name (an http:// proxy only)');
  host = m[1];
  if (port === undefined && m[2] !== undefined) port = Number(m[2]);
  const username = raw.get('proxyUsername');
  const password = raw.get('proxyPassword');
  if (password !== undefined && username === undefined) throw new ConfigError('INCOMPLETE_PROXY', '--proxyPassword was given without --proxyUsername');
  return { host, port: port ?? 80, username, password };
}

function toEndpoint(value: string, option: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalid(option, value, 'is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(option, value, 'must be an http:// or https:// URL');
  return url.href.replace(/\/$/, '');
}

function s3Uri(option: string, value: string): string {
  if (!/^s3:\/\/[^/]+/.test(value)) throw invalid(option, value, 'is not an s3:// URI');
  return value;
}

function integer(raw: Map<string, string>, name: string, def: number, min: number, max: number): number {
  const v = raw.get(name);
  if (v === undefined) return def;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw invalid(name, v, `is not a whole number from ${min} to ${max}`);
  return n;
}

/** Seconds (fractions allowed, e.g. for tests) returned as milliseconds. */
function seconds(raw: Map<string, string>, name: string, def: number, zeroOk: boolean): number {
  const v = raw.get(name);
  if (v === undefined) return def * 1000;
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !Number.isFinite(n) || (n === 0 && !zeroOk) || n > 7 * 86400) {
    throw invalid(name, v, `is not a number of seconds${zeroOk ? '' : ' above 0'}`);
  }
  return Math.round(n * 1000);
}

function bool(raw: Map<string, string>, name: string): boolean {
  const v = raw.get(name);
  if (v === undefined) return false;
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  throw invalid(name, v, 'is not true or false');
}

function toPath(p: string, cwd: string, home: string): string {
  const expanded = p === '~' ? home : p.startsWith('~/') ? home + p.slice(1) : p;
  return isAbsolute(expanded) ? resolve(expanded) : resolve(cwd, expanded);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** `label` is the option (`--tasks`) or the file key it came from. */
function invalid(label: string, value: string, why: string): ConfigError {
  return new ConfigError('INVALID_VALUE', `${label.startsWith('-') ? label : `--${label}`}: '${value}' ${why}`);
}
