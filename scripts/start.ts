/**
 * `npm start`: the local stack. Starts an embedded S3 (s3rver), the control plane (embedded store, relaxed
 * limits, a generated key) and one task runner with a fresh credentials.json, as separate processes, puts the
 * sample on-demand pipeline of examples/local-stack.json (shell steps with a dependency and a precondition, a
 * staged step and a CopyActivity on the embedded S3), activates it and prints every state change until the run
 * ends. Then it prints how to reach the stack and keeps running until Ctrl-C; `--once` exits when the run ends
 * (0 if it succeeded).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DataPipelineClient,
  DeletePipelineCommand,
  ListPipelinesCommand,
  DescribeObjectsCommand,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
} from '@aws-sdk/client-data-pipeline';
import { fromDefinitionFile } from '../protocol/definition-file.js';
import type { PipelineObject } from '../protocol/shapes.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const here = dirname(fileURLToPath(import.meta.url));
// Built: dist/scripts/start.js runs dist/*/cli.js. From source (tests, `tsx scripts/start.ts`): the .ts entries via tsx.
const fromSource = import.meta.url.endsWith('.ts');
const root = fromSource ? resolve(here, '..') : resolve(here, '..', '..');
const once = process.argv.includes('--once');
const stackDir = resolve(process.env.DATAPIPE_STACK_DIR ?? join(process.cwd(), '.stack'));
const WORKER_GROUP = 'wg-local';
const TERMINAL = new Set(['FINISHED', 'FAILED', 'CASCADE_FAILED', 'CANCELED']);

const BUCKET = 'datapipe-sample';
const SAMPLE_NAME = 'local-stack-sample';
const SAMPLE_ORDERS = '1,alice,12.50\n2,bob,7.25\n3,carol,100.00\n';

const children: ChildProcess[] = [];
let closeS3: (() => Promise<void>) | undefined;
function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function startProcess(name: string, args: string[], logFile: string): ChildProcess {
  const out = join(stackDir, logFile);
  writeFileSync(out, '');
  const child = spawn(process.execPath, fromSource ? ['--import', 'tsx', ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
  children.push(child);
  const append = (d: Buffer) => writeFileSync(out, d, { flag: 'a' });
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  child.on('exit', (code, sig) => {
    if (!stopping) {
      say(`${name} exited unexpectedly (${sig ?? code}); see ${out}`);
      void shutdown(1);
    }
  });
  return child;
}

function waitForLine(child: ChildProcess, re: RegExp, ms: number): Promise<RegExpMatchArray> {
  return new Promise((resolvePromise, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`no line matching ${re} within ${ms} ms`)), ms);
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = re.exec(buf);
      if (m) {
        clearTimeout(t);
        resolvePromise(m);
      }
    });
  });
}

let stopping = false;
async function shutdown(code: number): Promise<never> {
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
  await closeS3?.().catch(() => {});
  process.exit(code);
}

async function main(): Promise<void> {
  mkdirSync(stackDir, { recursive: true });
  // One key pair for the control plane and the embedded S3 (s3rver only knows the key id S3RVER).
  const keysFile = join(stackDir, 'keys.json');
  if (!existsSync(keysFile)) writeFileSync(keysFile, JSON.stringify({ S3RVER: randomBytes(24).toString('base64') }) + '\n', { mode: 0o600 });
  const [accessKeyId, secretAccessKey] = Object.entries(JSON.parse(readFileSync(keysFile, 'utf8')) as Record<string, string>)[0];

  const { default: S3rver } = await import('s3rver');
  mkdirSync(join(stackDir, 's3'), { recursive: true });
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(stackDir, 's3'), allowMismatchedSignatures: true });
  const { port: s3Port } = await s3.run();
  closeS3 = () => s3.close();
  const s3Endpoint = `http://127.0.0.1:${s3Port}`;
  process.env.AWS_ENDPOINT_URL_S3 = s3Endpoint;
  process.env.AWS_S3_FORCE_PATH_STYLE = 'true';
  await seedBucket(s3Endpoint, accessKeyId, secretAccessKey);
  say(`embedded S3: ${s3Endpoint} (data in ${join(stackDir, 's3')}; bucket ${BUCKET})`);
  const serverCli = fromSource ? join(root, 'service-stub', 'cli.ts') : join(root, 'dist', 'service-stub', 'cli.js');
  const agentCli = fromSource ? join(root, 'agent', 'cli.ts') : join(root, 'dist', 'agent', 'cli.js');
  say(`datapipe local stack in ${stackDir}`);

  const server = startProcess(
    'datapipe-server',
    [serverCli, '--port', process.env.DATAPIPE_PORT ?? '0', '--data-dir', join(stackDir, 'server'), '--keys', keysFile, '--relaxed-limits', '--poll-wait', '20'],
    'server.log',
  );
  const url = (await waitForLine(server, /datapipe-server listening on (\S+)/, 60_000))[1];
  const credentialsFile = join(stackDir, 'credentials.json');
  writeFileSync(credentialsFile, JSON.stringify({ 'access-id': accessKeyId, 'private-key': secretAccessKey }, null, 2) + '\n', { mode: 0o600 });
  say(`control plane: ${url} (log: ${join(stackDir, 'server.log')})`);

  startProcess(
    'taskrunner',
    [agentCli, `--config=${credentialsFile}`, `--workerGroup=${WORKER_GROUP}`, `--endpoint=${url}`, `--output=${join(stackDir, 'output')}`, '--tasks=2', '--progressInterval=5'],
    'taskrunner.log',
  );
  say(`task runner: worker group ${WORKER_GROUP}, output in ${join(stackDir, 'output')} (log: ${join(stackDir, 'taskrunner.log')})`);

  const client = new DataPipelineClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey } });
  const def = fromDefinitionFile(JSON.parse(readFileSync(join(root, 'examples', 'local-stack.json'), 'utf8')));
  const sql = sqlStep(process.env.DATABASE_URL);
  if (sql) {
    def.pipelineObjects.push(...sql.objects);
    say(`SQL step: a SqlActivity on ${sql.display} (from DATABASE_URL)`);
  } else {
    say('SQL step skipped: set DATABASE_URL=postgres://user:password@host:5432/db (or mysql://...) to add one');
  }
  // A fresh sample pipeline each start: a run an earlier start left unfinished (Ctrl-C) must not hold this one up.
  const listed = await client.send(new ListPipelinesCommand({}));
  for (const p of listed.pipelineIdList ?? []) {
    if (p.name === SAMPLE_NAME) await client.send(new DeletePipelineCommand({ pipelineId: p.id }));
  }
  const { pipelineId } = await client.send(
    new CreatePipelineCommand({ name: SAMPLE_NAME, uniqueId: `npm-start-${Date.now()}` }),
  );
  const put = await client.send(new PutPipelineDefinitionCommand({ pipelineId: pipelineId as string, ...def }));
  if (put.errored) throw new Error(`the sample definition has errors: ${JSON.stringify(put.validationErrors)}`);
  await client.send(new ActivatePipelineCommand({ pipelineId }));
  say(`pipeline ${pipelineId} (examples/local-stack.json) activated; state changes:`);

  const seen = new Map<string, string>();
  let ok = false;
  for (;;) {
    const ids = ((await client.send(new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE' }))).ids ?? []);
    const objs = ids.length ? ((await client.send(new DescribeObjectsCommand({ pipelineId, objectIds: ids }))).pipelineObjects ?? []) : [];
    for (const o of objs) {
      const status = o.fields?.find((f) => f.key === '@status')?.stringValue ?? '?';
      if (seen.get(o.id as string) !== status) {
        const err = o.fields?.find((f) => f.key === 'errorMessage')?.stringValue;
        say(`  ${new Date().toISOString().slice(11, 19)}  ${(o.id as string).padEnd(48)} ${status}${err ? `  (${err.split('\n')[0]})` : ''}`);
        seen.set(o.id as string, status);
      }
    }
    if (objs.length && objs.every((o) => TERMINAL.has(o.fields?.find((f) => f.key === '@status')?.stringValue ?? ''))) {
      ok = objs.every((o) => o.fields?.find((f) => f.key === '@status')?.stringValue === 'FINISHED');
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  say(ok ? 'the run FINISHED.' : 'the run did not finish cleanly; see the errors above and the logs.');
  say('');
  say(`Try it yourself (keys of this stack; the secret is in ${keysFile}):`);
  say(`  export AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY=$(node -p "Object.values(require('${keysFile}'))[0]") AWS_DEFAULT_REGION=us-east-1`);
  say(`  aws datapipeline list-runs --pipeline-id ${pipelineId} --endpoint-url ${url}`);
  say(`  aws datapipeline activate-pipeline --pipeline-id ${pipelineId} --endpoint-url ${url}`);
  say(`  aws datapipeline describe-pipelines --pipeline-ids ${pipelineId} --endpoint-url ${url}`);
  say(`  aws datapipeline get-pipeline-definition --pipeline-id ${pipelineId} --endpoint-url ${url}`);
  say(`  aws s3 ls --recursive s3://${BUCKET}/ --endpoint-url ${s3Endpoint}`);
  say(`Attempt logs: ${join(stackDir, 'output', 'logs', pipelineId as string)} (also in s3://${BUCKET}/pipeline-logs/)`);
  client.destroy();
  if (once) await shutdown(ok ? 0 : 1);
  say('The stack keeps running; Ctrl-C stops it.');
}

/**
 * With DATABASE_URL naming a PostgreSQL or MySQL/MariaDB database, the sample gains a JdbcDatabase and a
 * SqlActivity that (re)creates a small table and loads the sample orders into it.
 */
function sqlStep(url: string | undefined): { objects: PipelineObject[]; display: string } | undefined {
  if (!url) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    say(`DATABASE_URL is not a URL; SQL step skipped`);
    return undefined;
  }
  const kind = u.protocol === 'postgres:' || u.protocol === 'postgresql:' ? 'postgresql' : u.protocol === 'mysql:' || u.protocol === 'mariadb:' ? 'mysql' : undefined;
  if (!kind) {
    say(`DATABASE_URL must start with postgres:// or mysql://, not ${u.protocol}//; SQL step skipped`);
    return undefined;
  }
  const port = u.port || (kind === 'postgresql' ? '5432' : '3306');
  const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || (kind === 'postgresql' ? 'postgres' : 'test');
  const str = (key: string, stringValue: string) => ({ key, stringValue });
  const fields = [
    str('type', 'JdbcDatabase'),
    str('connectionString', `jdbc:${kind}://${u.hostname}:${port}/${db}`),
    str('jdbcDriverClass', kind === 'postgresql' ? 'org.postgresql.Driver' : 'com.mysql.jdbc.Driver'),
    str('username', decodeURIComponent(u.username) || (kind === 'postgresql' ? 'postgres' : 'root')),
    str('*password', decodeURIComponent(u.password)),
  ].filter((f) => f.stringValue !== ''); // no password: a database with trust or socket authentication
  return {
    display: `${kind} ${u.hostname}:${port}/${db}`,
    objects: [
      { id: 'SampleDb', name: 'SampleDb', fields },
      {
        id: 'LoadOrders',
        name: 'LoadOrders',
        fields: [
          str('type', 'SqlActivity'),
          { key: 'database', refValue: 'SampleDb' },
          { key: 'dependsOn', refValue: 'WriteGreeting' },
          str(
            'script',
            'create table if not exists datapipe_sample_orders (id int, customer varchar(64), total decimal(10,2)); ' +
              'delete from datapipe_sample_orders; ' +
              "insert into datapipe_sample_orders (id, customer, total) values (1, 'alice', 12.50), (2, 'bob', 7.25), (?, ?, 100.00)",
          ),
          str('scriptArgument', '3'),
          str('scriptArgument', 'carol'),
        ],
      },
    ],
  };
}

/** The bucket the sample reads from, with its input file. */
async function seedBucket(endpoint: string, accessKeyId: string, secretAccessKey: string): Promise<void> {
  const { S3Client, CreateBucketCommand, PutObjectCommand, HeadBucketCommand } = await import('@aws-sdk/client-s3');
  const c = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey } });
  try {
    await c.send(new HeadBucketCommand({ Bucket: BUCKET })).catch(() => c.send(new CreateBucketCommand({ Bucket: BUCKET })));
    await c.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'input/orders.csv', Body: SAMPLE_ORDERS }));
  } finally {
    c.destroy();
  }
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch((err: unknown) => {
  say(`npm start failed: ${(err as Error).message}`);
  void shutdown(1);
});
