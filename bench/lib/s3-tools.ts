/**
 * Helpers of the S3 benchmark's driver: the agent-side process (bench/lib/s3-agent.ts) with its RSS sampled,
 * the AWS CLI run as a user would, and the test data (one big random file with its sha256, many small files).
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statfsSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { AgentAnswer, AgentCommand } from './s3-agent.js';
import { REPO_ROOT, rssKb } from './server-process.js';

export const MiB = 1024 * 1024;
export const AWS = '/usr/bin/aws';
const execFileP = promisify(execFile);

export interface AgentS3Process {
  readonly pid: number;
  /** Runs one command; while it runs, VmRSS is sampled every 50 ms and the highest value returned as `peakRssKb`. */
  run(c: AgentCommand): Promise<AgentAnswer & { peakRssKb: number }>;
  rssKb(): number;
  stop(): Promise<void>;
}

/**
 * bench/lib/s3-agent.ts and the agent modules it imports, compiled as `npm run build` compiles the agent (tsc, no
 * type check: only emit), so the agent side runs with plain node as the installed `taskrunner` does: through tsx
 * its RSS would include tsx's loader thread (10-20 MiB more).
 */
export async function compileS3Agent(): Promise<{ entry: string; remove(): void }> {
  const out = mkdtempSync(join(tmpdir(), 'dp-bench-s3-dist-'));
  const remove = () => rmSync(out, { recursive: true, force: true });
  process.on('exit', remove);
  const entry = join(out, 'bench', 'lib', 's3-agent.js');
  const tsc = [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--outDir', out, '--rootDir', REPO_ROOT, '--module', 'nodenext',
    '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--noCheck', join(REPO_ROOT, 'bench', 'lib', 's3-agent.ts')];
  await execFileP(process.execPath, tsc, { cwd: REPO_ROOT }).catch((err: Error) => {
    if (!existsSync(entry)) throw err;
  });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(out, 'node_modules'));
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  return { entry, remove };
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** The agent side: `entry` is compileS3Agent's; without it, the sources through tsx. */
export function startAgentS3(endpoint: string, entry?: string): AgentS3Process {
  // BENCH_S3_AGENT_NODE_ARGS: node options for the agent side only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
  // By default the node flag installed agents run with (systemd/taskrunner.service).
  const nodeArgs = (process.env.BENCH_S3_AGENT_NODE_ARGS ?? '--max-semi-space-size=2').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, ...(entry ? [entry] : ['--import', 'tsx', join(REPO_ROOT, 'bench', 'lib', 's3-agent.ts')])], {
    cwd: REPO_ROOT,
    env: { ...process.env, MALLOC_ARENA_MAX: '2' /* as systemd/taskrunner.service */, AWS_ENDPOINT_URL_S3: endpoint, AWS_S3_FORCE_PATH_STYLE: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const waiting: { resolve(a: AgentAnswer): void; reject(e: Error): void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => waiting.shift()?.resolve(JSON.parse(line) as AgentAnswer));
  child.on('close', () => {
    for (const w of waiting.splice(0)) w.reject(new Error('the agent-side S3 process exited'));
  });
  const pid = child.pid ?? 0;
  return {
    pid,
    rssKb: () => rssKb(pid),
    async run(c) {
      let peak = rssKb(pid);
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssKb(pid));
      }, 50);
      try {
        const answer = await new Promise<AgentAnswer>((resolve, reject) => {
          waiting.push({ resolve, reject });
          child.stdin!.write(`${JSON.stringify(c)}\n`);
        });
        peak = Math.max(peak, rssKb(pid));
        if (answer.error) throw new Error(`agent ${c.op}: ${answer.error}`);
        return { ...answer, peakRssKb: peak };
      } finally {
        clearInterval(sampler);
      }
    },
    async stop() {
      child.stdin!.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
      children.delete(child);
    },
  };
}

/** `aws <args>` against `endpoint`, as a user would run it (start-up included); returns the wall milliseconds. */
export async function awsCli(endpoint: string, args: readonly string[]): Promise<number> {
  const t0 = performance.now();
  await execFileP(AWS, [...args, '--endpoint-url', endpoint, '--no-progress', '--only-show-errors'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_DEFAULT_REGION: 'us-east-1',
      // No user config or profile of this machine changes what is measured.
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    },
    maxBuffer: 16 * MiB,
  });
  return performance.now() - t0;
}

export async function awsVersion(): Promise<string> {
  const { stdout, stderr } = await execFileP(AWS, ['--version']);
  return (stdout || stderr).trim().split(' ')[0];
}

/** A file of `bytes` random bytes; returns its sha256 (hex). */
export function writeRandomFile(path: string, bytes: number): string {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(8 * MiB);
  const fd = openSync(path, 'w');
  try {
    for (let left = bytes; left > 0; left -= chunk.length) {
      const piece = chunk.subarray(0, Math.min(left, chunk.length));
      randomFillSync(piece);
      hash.update(piece);
      writeSync(fd, piece);
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const c of createReadStream(path, { highWaterMark: MiB })) hash.update(c as Buffer);
  return hash.digest('hex');
}

/** `count` files of `size` random bytes in `dir` (`f0000.bin`, ...). */
export function writeSmallFiles(dir: string, count: number, size: number): Map<string, Buffer> {
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const name = `f${String(i).padStart(4, '0')}.bin`;
    const data = randomFillSync(Buffer.alloc(size));
    writeFileSync(join(dir, name), data);
    files.set(name, data);
  }
  return files;
}

/** Free bytes on the file system holding `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}
