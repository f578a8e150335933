import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { parseArgs } from '../../agent/config.js';

// The units are text nobody runs in CI; these checks keep them in step with the commands they start.
const run = promisify(execFile);

interface Unit {
  get(key: string): string;
  exec: string[];
}

function unit(name: string): Unit {
  const lines = readFileSync(new URL(`../../systemd/${name}`, import.meta.url), 'utf8').split('\n');
  const values = new Map<string, string>();
  for (const l of lines) {
    const m = /^(\w+)=(.*)$/.exec(l);
    if (m) values.set(m[1] ?? '', m[2] ?? '');
  }
  const get = (key: string): string => {
    const v = values.get(key);
    assert.ok(v !== undefined, `${name} has no ${key}=`);
    return v;
  };
  return { get, exec: get('ExecStart').split(/\s+/) };
}

describe('systemd units (systemd/)', () => {
  it('taskrunner.service starts the compiled agent with options it accepts and outlasts its drain', () => {
    const u = unit('taskrunner.service');
    const script = u.exec.findIndex((a) => a.endsWith('/dist/agent/cli.js'));
    assert.ok(script > 0, u.exec.join(' '));
    assert.deepEqual(u.exec.slice(1, script), ['--max-semi-space-size=2', '--expose-gc']);
    const args = u.exec.slice(script + 1).map((a) => (a === '$TASKRUNNER_OPTS' ? '--workerGroup=wg-prod' : a));
    const config = parseArgs(args, {}, { readFile: () => JSON.stringify({ 'access-id': 'AKID', 'private-key': 'secret' }) });
    assert.equal(config.workerGroup, 'wg-prod');
    assert.equal(config.shutdownTimeoutMs, 300_000);
    assert.ok(Number(u.get('TimeoutStopSec')) * 1000 > config.shutdownTimeoutMs, 'systemd must not SIGKILL a drain');
    assert.equal(u.get('KillMode'), 'mixed', 'only the agent gets SIGTERM; it stops its tasks itself');
    assert.equal(u.get('Restart'), 'on-failure', 'terminate=true exits 0 and stays stopped');
  });

  it('datapipe-server.service starts the compiled server with options it knows and stops within its timeout', async () => {
    const u = unit('datapipe-server.service');
    const script = u.exec.findIndex((a) => a.endsWith('/dist/service-stub/cli.js'));
    assert.ok(script > 0, u.exec.join(' '));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'service-stub/cli.ts', '--help'], { cwd: new URL('../..', import.meta.url) });
    for (const a of u.exec.slice(script + 1)) {
      if (a.startsWith('$')) continue;
      const name = a.replace(/=.*$/, '');
      assert.ok(stdout.includes(`${name} `), `datapipe-server --help lists ${name}`);
    }
    assert.ok(Number(u.get('TimeoutStopSec')) > 10, 'the server exits within 10 s of SIGTERM');
  });
});
