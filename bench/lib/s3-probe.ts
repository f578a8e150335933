/**
 * A tool, not a figure: compares settings of the agent's 1 GiB transfers with each other and with the AWS CLI, on
 * the benchmark's s3rver, in one invocation, rotating the order each round. Per run it prints the wall time, the
 * CPU seconds of the transferring process (the agent side, or the CLI through /usr/bin/time) and of s3rver, and
 * the agent side's peak RSS.
 *   node --import tsx bench/lib/s3-probe.ts down|up ROUNDS VARIANT...
 * Variants: `cli`; `agent` (S3Access's defaults); down: `r<MiB>x<n>` (ranges of MiB, n in flight); up:
 * `p<MiB>x<n>` (parts of MiB, n in flight).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { AgentCommand } from './s3-agent.js';
import { startBenchS3 } from './s3-server.js';
import { AWS, awsCli, compileS3Agent, MiB, sha256File, startAgentS3, writeRandomFile } from './s3-tools.js';
import { cpuSeconds } from './server-process.js';

const execFileP = promisify(execFile);
const BIG = 1024 * MiB;
const [dir = 'down', roundsArg = '2', ...variants] = process.argv.slice(2);
const rounds = Number(roundsArg);

/** minflt, utime, stime (seconds) of a process. */
function procStat(pid: number): number[] {
  const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
  return [Number(f[7]), Number(f[11]) / 100, Number(f[12]) / 100];
}

async function cliTimed(endpoint: string, args: string[]): Promise<{ ms: number; cpu: number }> {
  const t0 = performance.now();
  const { stderr } = await execFileP('/usr/bin/time', ['-f', 'CPU %U %S minflt %R', AWS, ...args, '--endpoint-url', endpoint, '--no-progress', '--only-show-errors'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
  });
  const ms = performance.now() - t0;
  const m = /CPU ([\d.]+) ([\d.]+)/.exec(stderr);
  process.stderr.write(`cli ${/CPU.*/.exec(stderr)?.[0] ?? ''}\n`);
  return { ms, cpu: m ? Number(m[1]) + Number(m[2]) : NaN };
}

function tuneOf(v: string): { partSize: number; queueSize: number } | { threshold: number; rangeSize: number; concurrency: number} | undefined {
  const m = /^[rp](\d+)x(\d+)$/.exec(v);
  if (!m) return undefined;
  const size = Number(m[1]) * MiB;
  return v.startsWith('r') ? { threshold: 16 * MiB, rangeSize: size, concurrency: Number(m[2]) } : { partSize: size, queueSize: Number(m[2]) };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'dp-s3-probe-'));
  process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  const compiled = await compileS3Agent();
  const server = await startBenchS3();
  const agent = startAgentS3(server.endpoint, compiled.entry);
  const sdk = new S3Client({ endpoint: server.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const results = new Map<string, string[]>();
  try {
    await sdk.send(new CreateBucketCommand({ Bucket: 'probe' }));
    await agent.run({ op: 'warm', bucket: 'probe' });
    const big = join(work, 'big.bin');
    const sha = writeRandomFile(big, BIG);
    if (dir === 'down') await awsCli(server.endpoint, ['s3', 'cp', big, 's3://probe/src']);
    const got = join(work, 'got.bin');
    let n = 0;
    for (let r = 0; r < rounds; r++) {
      const order = variants.map((_, i) => variants[(i + r) % variants.length]);
      for (const v of order) {
        await execFileP('sync');
        const s0 = cpuSeconds(server.pid);
        let ms: number;
        let cpu: number;
        let rss = '';
        const key = `k${n++}`;
        if (v === 'cli') {
          const args = dir === 'down' ? ['s3', 'cp', 's3://probe/src', got] : ['s3', 'cp', big, `s3://probe/${key}`];
          ({ ms, cpu } = await cliTimed(server.endpoint, args));
        } else {
          const a0 = cpuSeconds(agent.pid);
          const p0 = procStat(agent.pid);
          const tune = tuneOf(v);
          const c = (dir === 'down' ? { op: 'download', bucket: 'probe', key: 'src', path: got, tune } : { op: 'upload', bucket: 'probe', key, path: big, tune }) as AgentCommand;
          const a = await agent.run(c);
          ms = a.ms ?? NaN;
          cpu = cpuSeconds(agent.pid) - a0;
          const p1 = procStat(agent.pid);
          rss += ` minflt ${p1[0] - p0[0]} user ${(p1[1] - p0[1]).toFixed(2)} sys ${(p1[2] - p0[2]).toFixed(2)}`;
          rss += ` rss ${(a.peakRssKb / 1024).toFixed(0)} MiB peak ${JSON.stringify(a.memPeak)} end ${JSON.stringify(a.mem)} gc ${JSON.stringify(a.gcs)}`;
        }
        const srv = cpuSeconds(server.pid) - s0;
        if (dir === 'down') {
          if ((await sha256File(got)) !== sha) throw new Error(`${v}: sha256 differs`);
          rmSync(got);
        }
        const line = `${(BIG / MiB / (ms / 1000)).toFixed(0)} MiB/s cpu ${cpu.toFixed(2)} s3rver ${srv.toFixed(2)}${rss}`;
        process.stderr.write(`${v.padEnd(8)} ${(ms / 1000).toFixed(2)} s ${line}\n`);
        results.set(v, [...(results.get(v) ?? []), line]);
      }
    }
    for (const [v, lines] of results) process.stdout.write(`${v}\n  ${lines.join('\n  ')}\n`);
  } finally {
    sdk.destroy();
    await agent.stop();
    await server.stop();
    compiled.remove();
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
