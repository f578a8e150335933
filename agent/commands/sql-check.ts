/**
 * `taskrunner sql-check`: the SqlPrecondition check as a command, so a plain ShellCommandPrecondition can use it
 * against AWS Data Pipeline itself. Exit 0 met, 1 not met, 2 error (bad arguments, connection or query failure).
 * The password comes from an environment variable or a file, never from the command line (ps shows that).
 */
import { readFile } from 'node:fs/promises';
import winston from 'winston';
import type { Subcommand } from '../cli.js';
import { openConnection } from '../sql/database.js';
import { isSqlFailure, maskUrlSecrets } from '../sql/errors.js';
import { checkDriverClass, parseJdbcUrl, toConnectOptions } from '../sql/jdbc-url.js';
import { checkQuery } from '../sql/run-script.js';

const USAGE = `usage: taskrunner sql-check --connection <jdbc-url> --username <user> [--password-env VAR | --password-file FILE]
                           --query <sql> [--arg VALUE ...] [--property A=B ...] [--driver-class CLASS] [--connect-timeout SECONDS]
Runs the query; exits 0 when a row's first column is not false/0/NULL (met), 1 when not met, 2 on an error.
`;

interface Args {
  connection?: string;
  username?: string;
  passwordEnv?: string;
  passwordFile?: string;
  query?: string;
  args: string[];
  properties: string[];
  driverClass?: string;
  connectTimeout?: string;
  help: boolean;
}

class UsageError extends Error {}

const OPTIONS: Record<string, keyof Args> = {
  connection: 'connection',
  username: 'username',
  'password-env': 'passwordEnv',
  'password-file': 'passwordFile',
  query: 'query',
  arg: 'args',
  property: 'properties',
  'driver-class': 'driverClass',
  'connect-timeout': 'connectTimeout',
};

function parse(argv: string[]): Args {
  const a: Args = { args: [], properties: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--help' || token === '-h') {
      a.help = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(token);
    const key = m ? OPTIONS[m[1]] : undefined;
    if (!m || !key) throw new UsageError(`unknown argument ${JSON.stringify(token)}`);
    let value = m[2];
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`--${m[1]} needs a value`);
      value = argv[++i];
    }
    if (key === 'args' || key === 'properties') a[key].push(value);
    else if (a[key] !== undefined) throw new UsageError(`--${m[1]} is given twice`);
    else (a as unknown as Record<string, string>)[key] = value;
  }
  return a;
}

async function password(a: Args, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (a.passwordEnv !== undefined && a.passwordFile !== undefined) throw new UsageError('give --password-env or --password-file, not both');
  if (a.passwordEnv !== undefined) {
    const v = env[a.passwordEnv];
    if (v === undefined) throw new UsageError(`environment variable ${a.passwordEnv} (--password-env) is not set`);
    return v;
  }
  if (a.passwordFile !== undefined) {
    try {
      return (await readFile(a.passwordFile, 'utf8')).replace(/\r?\n$/, '');
    } catch (err) {
      throw new UsageError(`cannot read --password-file ${a.passwordFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  return undefined;
}

export const run: Subcommand = async (argv, env, io) => {
  let a: Args;
  let pw: string | undefined;
  try {
    a = parse(argv);
    if (a.help) {
      io.out(USAGE);
      return 0;
    }
    if (!a.connection) throw new UsageError('--connection is required');
    if (a.query === undefined || a.query.trim() === '') throw new UsageError('--query is required');
    pw = await password(a, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`taskrunner sql-check: ${err.message}\n${USAGE}`);
    return 2;
  }
  const log = winston.createLogger({
    level: 'warn',
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'], format: winston.format.printf((i) => `taskrunner sql-check: ${String(i.message)}`) })],
  });
  const ac = new AbortController();
  const stop = () => ac.abort(new Error('interrupted by a signal'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const id = 'sql-check';
  try {
    const url = parseJdbcUrl(id, a.connection);
    checkDriverClass(id, a.driverClass, url, (m) => log.warn(m));
    const o = toConnectOptions(url, { objectId: id, username: a.username, password: pw, jdbcProperties: a.properties }, (m) => log.warn(m));
    if (a.connectTimeout !== undefined) {
      const s = Number(a.connectTimeout);
      if (!Number.isFinite(s) || s <= 0) throw new UsageError(`--connect-timeout ${a.connectTimeout} is not a positive number of seconds`);
      o.connectTimeoutMs = s * 1000;
    }
    const conn = await openConnection(o, ac.signal, log);
    try {
      const r = await checkQuery(conn, a.query as string, a.args, id);
      io.out(`${r.met ? 'met' : 'not met'}: ${r.detail}\n`);
      return r.met ? 0 : 1;
    } finally {
      await conn.close();
    }
  } catch (err) {
    if (isSqlFailure(err) || err instanceof UsageError) {
      const text = pw && pw.length >= 4 ? err.message.split(pw).join('***') : err.message;
      io.err(`taskrunner sql-check: ${isSqlFailure(err) ? `${err.errorId}: ` : ''}${maskUrlSecrets(text)}\n`);
      return 2;
    }
    io.err(`taskrunner sql-check: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    log.close();
  }
};
