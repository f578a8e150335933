/**
 * The SQL benchmarks' parts: a fresh database on the local PostgreSQL / MariaDB (dropped after), s3rver in a child
 * process, the agent's copy in a child process running the compiled agent of dist/ (built when stale; RSS sampled
 * from /proc), a shell pipeline timed, and an S3 object's
 * size and line count. Everything started here is also stopped/removed when the process exits (a script that threw,
 * or the 115 s deadline of runFigure).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { FieldValue } from '../../test/agent/s3/context.js';
import { log } from './report.js';
import { REPO_ROOT, rssKb } from './server-process.js';

const TSX = import.meta.resolve('tsx');
const HERE = new URL('.', import.meta.url).pathname;
export const BUCKET = 'bench';
export const AWS = '/usr/bin/aws';
export const ROWS = Number(process.env.BENCH_SQL_ROWS ?? 1_000_000);

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export interface BenchDb {
  name: string;
  /** A JdbcDatabase object for the agent's pipeline objects. */
  object: Record<string, FieldValue>;
  query(sql: string): Promise<unknown[][]>;
  drop(): Promise<void>;
}

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const MY = { host: '127.0.0.1', port: 3306, user: 'root' };

export async function postgresDb(): Promise<BenchDb> {
  const name = `dp_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ ...PG, database: 'postgres' });
  const c = new pg.Client({ ...PG, database: name });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await c.connect();
  } catch (err) {
    await c.end().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => {});
    await admin.end().catch(() => {});
    throw err;
  }
  return {
    name,
    object: { type: 'JdbcDatabase', connectionString: `jdbc:postgresql://${PG.host}:${PG.port}/${name}`, jdbcDriverClass: 'org.postgresql.Driver', username: 'postgres', '*password': 'unused' },
    query: async (sql) => (await c.query({ text: sql, rowMode: 'array' })).rows as unknown[][],
    async drop() {
      await c.end().catch(() => {});
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((e: Error) => log(`dropping ${name}: ${e.message}`));
      await admin.end().catch(() => {});
    },
  };
}

export async function mariadbDb(): Promise<BenchDb> {
  const name = `dp_bench_${randomBytes(5).toString('hex')}`;
  const c = await mysql.createConnection({ ...MY, rowsAsArray: true, dateStrings: true, multipleStatements: false });
  await c.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
  await c.query(`USE ${name}`);
  return {
    name,
    object: { type: 'JdbcDatabase', connectionString: `jdbc:mysql://${MY.host}:${MY.port}/${name}`, jdbcDriverClass: 'com.mysql.jdbc.Driver', username: 'root' },
    query: async (sql) => {
      const [rows] = await c.query(sql);
      return Array.isArray(rows) ? (rows as unknown as unknown[][]) : [];
    },
    async drop() {
      await c.query(`DROP DATABASE IF EXISTS ${name}`).catch((e: Error) => log(`dropping ${name}: ${e.message}`));
      await c.end().catch(() => {});
    },
  };
}

export interface BenchS3 {
  endpoint: string;
  /** Environment for /usr/bin/aws against it. */
  awsEnv: NodeJS.ProcessEnv;
  /** Size in bytes and number of '\n' of an object. */
  inspect(key: string): Promise<{ bytes: number; lines: number }>;
  stop(): Promise<void>;
}

export async function startS3(): Promise<BenchS3> {
  const dir = mkdtempSync(join(tmpdir(), 'dp-bench-s3rver-'));
  dirs.add(dir);
  const child = spawn(process.execPath, ['--import', TSX, join(HERE, 'sql-s3rver.ts'), dir, BUCKET], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  const exited = new Promise<void>((r) => child.on('close', () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /port=(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('close', (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  return {
    endpoint,
    awsEnv: { ...process.env, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' },
    async inspect(key) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      const r = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      let lines = 0;
      for await (const chunk of r.Body as AsyncIterable<Buffer>) for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      return { bytes: Number(head.ContentLength), lines };
    },
    async stop() {
      s3.destroy();
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
      children.delete(child);
      rmSync(dir, { recursive: true, force: true });
      dirs.delete(dir);
    },
  };
}

/** `bash -o pipefail -c <cmd>`, timed from spawn to exit; throws with its stderr when it fails. */
export async function timeShell(cmd: string, env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = performance.now();
  const child = spawn('/bin/bash', ['-o', 'pipefail', '-c', cmd], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  children.delete(child);
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`${cmd}: exit ${code}: ${err.trim()}`);
  return ms;
}

export interface AgentCopy {
  /** The CopyActivity's execute(), measured inside the child. */
  copyMs: number;
  /** The child's CPU time (user + system, all threads) during execute(): less sensitive to a busy machine. */
  cpuMs: number;
  /** Spawn to exit of the child (Node start-up and module loading included). */
  processMs: number;
  peakRssKb: number;
  /** The child's RSS just before the copy started (Node and the activity's module loaded). */
  startRssKb: number;
}

/** Newest modification time (ms) of the files under `dir` whose name ends with `ext`; 0 when there are none. */
function newest(dir: string, ext: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith(ext) && !e.name.endsWith('.test.ts')) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return t;
}

/**
 * The compiled agent in dist/ (what an installed agent runs, and what sql-copy-child.mjs loads): built with
 * `tsc -p tsconfig.build.json` (`npm run build`) when it is missing or older than any source of agent/.
 */
let built: Promise<void> | undefined;
export function ensureBuilt(): Promise<void> {
  built ??= build();
  return built;
}

async function build(): Promise<void> {
  const dist = join(REPO_ROOT, 'dist', 'agent');
  if (existsSync(dist) && newest(dist, '.js') >= newest(join(REPO_ROOT, 'agent'), '.ts')) return;
  log('dist/ is missing or older than agent/: building it (tsc -p tsconfig.build.json)');
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const t0 = performance.now();
  const child = spawn(process.execPath, [tsc, '-p', join(REPO_ROOT, 'tsconfig.build.json')], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  children.delete(child);
  if (code !== 0) throw new Error(`building dist/ failed (exit ${code}):\n${out.trim()}`);
  log(`built dist/ in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** The agent's CopyActivity from `In` to `Out` in a child process (the compiled agent); fails when the copy does. */
export async function agentCopy(endpoint: string, objects: Record<string, Record<string, FieldValue>>): Promise<AgentCopy> {
  await ensureBuilt();
  const prof = process.env.BENCH_SQL_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SQL_CPU_PROF] : [];
  const t0 = performance.now();
  // --max-semi-space-size=2: the node flag installed agents run with (systemd/taskrunner.service).
  const child = spawn(process.execPath, ['--max-semi-space-size=2', ...prof, join(HERE, 'sql-copy-child.mjs'), JSON.stringify({ endpoint, objects })], {
    env: { ...process.env, MALLOC_ARENA_MAX: '2' /* as systemd/taskrunner.service */, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  let peak = 0;
  const pid = child.pid as number;
  const sampler = setInterval(() => {
    try {
      const kb = rssKb(pid);
      if (kb > peak) peak = kb;
    } catch {
      // exited
    }
  }, 50);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  await new Promise<void>((r) => child.on('close', () => r()));
  clearInterval(sampler);
  children.delete(child);
  const processMs = performance.now() - t0;
  const line = out.split('\n').find((l) => l.startsWith('result='));
  if (!line) throw new Error(`the agent's copy printed no result: ${out}`);
  const r = JSON.parse(line.slice('result='.length)) as { status: string; errorMessage?: string; copyMs: number; cpuMs: number; startRssKb: number; lines: string[] };
  if (r.status !== 'FINISHED') throw new Error(`the agent's copy ended ${r.status}: ${r.errorMessage ?? ''}\n${r.lines.join('\n')}`);
  return { copyMs: r.copyMs, cpuMs: r.cpuMs, processMs, peakRssKb: peak, startRssKb: r.startRssKb };
}

export const mb = (bytes: number) => bytes / 1_000_000;
export const fmtRate = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : n.toFixed(0));
