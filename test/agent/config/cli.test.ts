import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../../agent/cli.js';
import type { CliIo } from '../../../agent/cli.js';
import type { AgentConfig } from '../../../agent/config.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function capture(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
  };
  return io;
}

/** The real bin under tsx, as a child process. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'agent/cli.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('agent cli: taskrunner', () => {
  const neverRun = async (): Promise<number> => assert.fail('runAgent must not be called');

  it('--help prints the usage and exits 0 without starting the agent', async () => {
    const io = capture();
    assert.equal(await main(['--help'], {}, io, neverRun), 0);
    assert.match(io.stdout, /^Usage: taskrunner --workerGroup=NAME/);
    assert.equal(io.stderr, '');
  });

  it('a bad command line exits 2 with the message on stderr', async () => {
    const io = capture();
    assert.equal(await main(['--workerGroup=wg', '--tasks=abc'], {}, io, neverRun), 2);
    assert.match(io.stderr, /^taskrunner: --tasks: 'abc' is not a whole number/);
    const io2 = capture();
    assert.equal(await main([], {}, io2, neverRun), 2);
    assert.match(io2.stderr, /--workerGroup is required/);
  });

  it('passes the parsed config (with its warnings) to runAgent and returns its exit code', async () => {
    const io = capture();
    const seen: AgentConfig[] = [];
    const code = await main(['--workerGroup', 'wg', '--proxyHost=p', '--proxyDomain=CORP'], {}, io, async (c) => {
      seen.push(c);
      return 3;
    });
    assert.equal(code, 3);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].workerGroup, 'wg');
    assert.ok(seen[0].warnings.some((w) => w.includes('--proxyDomain')));
    assert.equal(io.stderr, '', 'warnings are for runAgent to log, once');
    assert.equal(await main(['--workerGroup=wg'], {}, capture(), async () => undefined), 0);
  });

  it('an unknown subcommand exits 2', async () => {
    const io = capture();
    assert.equal(await main(['sql-chek', '--x'], {}, io, neverRun), 2);
    assert.match(io.stderr, /unknown command 'sql-chek'/);
  });

  it('the real bin exits 2 on a config error and 0 on --help', async () => {
    const [bad, help] = await Promise.all([runCli(['--workerGroup=wg', '--proxyPort', 'x']), runCli(['--help'])]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /taskrunner: --proxyPort: 'x' is not a port number/);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /--s3NoProxy=BOOL/);
  });
});
