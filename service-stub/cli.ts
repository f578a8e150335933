#!/usr/bin/env node
/** The `datapipe-server` command. */
import { resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { startServer } from './app.js';
import { ensureGeneratedKeys, KeysFileError, readKeysFile } from './core/keys.js';
import { createLogger } from './core/logger.js';
import { DataDirInUseError } from './store/data-dir-lock.js';
import { AWS_THROTTLE_RATES } from './http/throttle.js';

async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('datapipe-server')
    .usage('$0 [options]\n\nA control plane speaking the AWS Data Pipeline API (JSON 1.1, SigV4).')
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
    .option('port', { type: 'number', default: 8188, describe: 'Port to listen on (0 picks a free one)' })
    .option('data-dir', { type: 'string', default: './datapipe-data', describe: 'Embedded store (PGlite) and generated keys' })
    .option('database-url', { type: 'string', describe: 'postgres://... : use PostgreSQL (several servers may share it)' })
    .option('keys', { type: 'string', describe: 'JSON file {"<accessKeyId>": "<secretAccessKey>", ...}' })
    .option('poll-wait', { type: 'number', default: 90, describe: 'Seconds PollForTask holds a request when there is no work' })
    .option('relaxed-limits', { type: 'boolean', default: false, describe: 'Allow seconds in periods and lift the time minimums (development)' })
    .option('max-pipelines', { type: 'number', default: 100, describe: 'Pipelines per account (AWS default 100)' })
    .option('max-objects', { type: 'number', default: 100, describe: 'Objects per pipeline (AWS default 100)' })
    .option('throttle', { type: 'boolean', default: false, describe: 'Answer ThrottlingException past the AWS per-account rates (api.md 1.8)' })
    .option('region', { type: 'string', default: 'us-east-1', describe: 'Region this endpoint reports' })
    .option('log-level', { type: 'string', default: 'info', choices: ['error', 'warn', 'info', 'debug'] })
    .check((a) => {
      if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw new Error(`--port must be 0..65535, not ${a.port}`);
      if (!(a['poll-wait'] > 0 && a['poll-wait'] <= 900)) throw new Error(`--poll-wait must be 1..900 seconds, not ${a['poll-wait']}`);
      if (a['database-url'] && !/^postgres(ql)?:\/\//.test(a['database-url'])) {
        throw new Error(`--database-url must start with postgres:// or postgresql://`);
      }
      // Otherwise `--max-objects abc` starts a server whose limit (NaN) refuses nothing.
      for (const o of ['max-pipelines', 'max-objects'] as const) {
        if (!Number.isInteger(a[o]) || a[o] < 1) throw new Error(`--${o} must be a whole number of at least 1, not ${a[o]}`);
      }
      return true;
    })
    // A bad command line exits 2 like the other startup errors below (yargs' own default is 1).
    .fail((msg: string | null, err: Error | undefined) => {
      process.stderr.write(`datapipe-server: ${msg ?? err?.message ?? 'bad command line'}\nRun datapipe-server --help for the options.\n`);
      process.exit(2);
    })
    .strict()
    .help()
    .parseAsync();

  const log = createLogger(argv['log-level']);
  const dataDir = resolve(argv['data-dir']);
  let keys;
  if (argv.keys) keys = readKeysFile(argv.keys);
  else {
    const g = ensureGeneratedKeys(dataDir);
    keys = g.keys;
    log.info(`${g.created ? 'generated' : 'using'} access key ${g.accessKeyId}; its secret is in ${g.path}`);
  }
  const server = await startServer({
    host: argv.host,
    port: argv.port,
    dataDir,
    databaseUrl: argv['database-url'],
    keys,
    pollWaitMs: argv['poll-wait'] * 1000,
    limits: { relaxed: argv['relaxed-limits'], maxPipelines: argv['max-pipelines'], maxObjectsPerPipeline: argv['max-objects'],
      throttle: argv.throttle ? AWS_THROTTLE_RATES : undefined,
    },
    region: argv.region,
    logger: log,
  });
  const store = argv['database-url'] ? 'PostgreSQL' : `embedded store in ${dataDir}`;
  log.info(`store: ${store}${argv['relaxed-limits'] ? '; relaxed limits' : ''}${argv.throttle ? '; AWS request rates enforced' : ''}`);
  process.stdout.write(`datapipe-server listening on ${server.url}\n`);

  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${sig}: shutting down`);
    const force = setTimeout(() => {
      log.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err) => {
        log.error(`shutdown failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  const msg = err instanceof KeysFileError || err instanceof DataDirInUseError ? err.message : ((err as Error).stack ?? String(err));
  process.stderr.write(`datapipe-server: ${msg}\n`);
  process.exit(2);
});
