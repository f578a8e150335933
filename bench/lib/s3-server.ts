/**
 * The S3 benchmark's server: s3rver in its own child process (so its CPU and memory are not the agent's or the
 * driver's), on 127.0.0.1 with a fresh temp directory, `allowMismatchedSignatures` so any client's signature is
 * accepted. The temp directory goes when the server stops, and also if the bench process exits first.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './server-process.js';

export interface BenchS3 {
  endpoint: string;
  pid: number;
  /** Where s3rver keeps the objects. */
  directory: string;
  stop(): Promise<void>;
}

const MAIN = `
import S3rver from 's3rver';
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.env.S3_DIR, allowMismatchedSignatures: true });
const { port } = await server.run();
process.stdout.write('s3rver listening on ' + port + '\\n');
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
`;

const live = new Set<() => void>();
process.on('exit', () => {
  for (const kill of live) kill();
});

export async function startBenchS3(): Promise<BenchS3> {
  const directory = mkdtempSync(join(tmpdir(), 'dp-bench-s3rver-'));
  // cwd: the repository, where `s3rver` resolves.
  const child = spawn(process.execPath, ['--input-type=module', '-e', MAIN], {
    cwd: REPO_ROOT,
    env: { ...process.env, S3_DIR: directory },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const kill = () => {
    child.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  };
  live.add(kill);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('s3rver did not start within 20 s')), 20_000);
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /s3rver listening on (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited (${code}) before listening`));
      });
    });
    return {
      endpoint: `http://127.0.0.1:${port}`,
      pid: child.pid ?? 0,
      directory,
      async stop() {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(t);
        rmSync(directory, { recursive: true, force: true });
        live.delete(kill);
      },
    };
  } catch (err) {
    kill();
    live.delete(kill);
    throw err;
  }
}
