/**
 * `npm start`: the local stack. Starts the control plane (embedded store, relaxed limits, a generated key) and
 * one task runner with a fresh credentials.json, as separate processes, puts the sample on-demand pipeline of
 * examples/ondemand-shell.json, activates it and prints every state change until the run ends. Then it prints
 * how to reach the stack and keeps running until Ctrl-C; `--once` exits when the run ends (0 if it succeeded).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DataPipelineClient,
  DescribeObjectsCommand,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
} from '@aws-sdk/client-data-pipeline';
import { fromDefinitionFile } from '../protocol/definition-file.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const here = dirname(fileURLToPath(import.meta.url));
// Built: dist/scripts/start.js runs dist/*/cli.js. From source (tests, `tsx scripts/start.ts`): the .ts entries via tsx.
const fromSource = import.meta.url.endsWith('.ts');
const root = fromSource ? resolve(here, '..') : resolve(here, '..', '..');
const once = process.argv.includes('--once');
const stackDir = resolve(process.env.DATAPIPE_STACK_DIR ?? join(process.cwd(), '.stack'));
const WORKER_GROUP = 'wg-local';
const TERMINAL = new Set(['FINISHED', 'FAILED', 'CASCADE_FAILED', 'CANCELED']);

const children: ChildProcess[] = [];
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
  process.exit(code);
}

async function main(): Promise<void> {
  mkdirSync(stackDir, { recursive: true });
  const serverCli = fromSource ? join(root, 'service-stub', 'cli.ts') : join(root, 'dist', 'service-stub', 'cli.js');
  const agentCli = fromSource ? join(root, 'agent', 'cli.ts') : join(root, 'dist', 'agent', 'cli.js');
  say(`datapipe local stack in ${stackDir}`);

  const server = startProcess('datapipe-server', [serverCli, '--port', process.env.DATAPIPE_PORT ?? '0', '--data-dir', join(stackDir, 'server'), '--relaxed-limits', '--poll-wait', '20'], 'server.log');
  const url = (await waitForLine(server, /datapipe-server listening on (\S+)/, 60_000))[1];
  const keys = JSON.parse(readFileSync(join(stackDir, 'server', 'keys.json'), 'utf8')) as Record<string, string>;
  const [accessKeyId, secretAccessKey] = Object.entries(keys)[0];
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
  const def = fromDefinitionFile(JSON.parse(readFileSync(join(root, 'examples', 'ondemand-shell.json'), 'utf8')));
  const { pipelineId } = await client.send(new CreatePipelineCommand({ name: 'sample-shell', uniqueId: 'npm-start-sample' }));
  const put = await client.send(new PutPipelineDefinitionCommand({ pipelineId: pipelineId as string, ...def }));
  if (put.errored) throw new Error(`the sample definition has errors: ${JSON.stringify(put.validationErrors)}`);
  const before = new Set((await client.send(new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE' }))).ids ?? []);
  await client.send(new ActivatePipelineCommand({ pipelineId }));
  say(`pipeline ${pipelineId} (examples/ondemand-shell.json) activated; state changes:`);

  const seen = new Map<string, string>();
  let ok = false;
  for (;;) {
    const ids = ((await client.send(new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE' }))).ids ?? []).filter((id) => !before.has(id));
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
  say(`Try it yourself (keys of this stack; the secret is in ${join(stackDir, 'server', 'keys.json')}):`);
  say(`  export AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY=$(node -p "Object.values(require('${join(stackDir, 'server', 'keys.json')}'))[0]") AWS_DEFAULT_REGION=us-east-1`);
  say(`  aws datapipeline list-runs --pipeline-id ${pipelineId} --endpoint-url ${url}`);
  say(`  aws datapipeline activate-pipeline --pipeline-id ${pipelineId} --endpoint-url ${url}`);
  say(`  aws datapipeline describe-pipelines --pipeline-ids ${pipelineId} --endpoint-url ${url}`);
  say(`  aws datapipeline get-pipeline-definition --pipeline-id ${pipelineId} --endpoint-url ${url}`);
  say(`Attempt logs: ${join(stackDir, 'output', 'logs', pipelineId as string)}`);
  client.destroy();
  if (once) await shutdown(ok ? 0 : 1);
  say('The stack keeps running; Ctrl-C stops it.');
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch((err: unknown) => {
  say(`npm start failed: ${(err as Error).message}`);
  void shutdown(1);
});
