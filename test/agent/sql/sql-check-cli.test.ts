import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabases } from './fresh-dbs.js';
import type { FreshDbs } from './fresh-dbs.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'agent/cli.ts', 'sql-check', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('taskrunner sql-check (the real CLI)', function () {
  this.timeout(60_000);
  let dbs: FreshDbs;
  before(async () => {
    dbs = await freshDatabases();
    await dbs.pg("create table batches (day date, state text); insert into batches values ('2026-04-01', 'CLOSED')");
    await dbs.my('create table batches (day date, state text)');
    await dbs.my("insert into batches values ('2026-04-01', 'CLOSED')");
  });
  after(async () => dbs?.drop());

  const q = "select count(*) from batches where day = ? and state = 'CLOSED'";

  it('exits 0 when met and 1 when not met, on PostgreSQL and MariaDB', async () => {
    const met = await cli(['--connection', dbs.pgUrl, '--username', 'postgres', '--query', q, '--arg', '2026-04-01']);
    assert.equal(met.code, 0, met.stderr);
    assert.match(met.stdout, /^met: /);
    const not = await cli([`--connection=${dbs.myUrl}`, '--username=root', `--query=${q}`, '--arg=2026-04-02']);
    assert.equal(not.code, 1, not.stderr);
    assert.match(not.stdout, /^not met: /);
  });

  it('exits 2 on a wrong password (from --password-env or --password-file) without printing it', async () => {
    const env = await cli(['--connection', dbs.myUrl, '--username', 'root', '--password-env', 'DB_PW', '--query', 'select 1'], { DB_PW: 'Cli-Secret-55' });
    assert.equal(env.code, 2);
    assert.match(env.stderr, /SqlAuthFailed: Authentication failed for mysql 127\.0\.0\.1:3306/);
    assert.doesNotMatch(env.stderr + env.stdout, /Cli-Secret-55/);
    const dir = mkdtempSync(join(tmpdir(), 'dp-pw-'));
    writeFileSync(join(dir, 'pw'), 'File-Secret-66\n');
    const file = await cli(['--connection', dbs.myUrl, '--username', 'root', '--password-file', join(dir, 'pw'), '--query', 'select 1']);
    assert.equal(file.code, 2);
    assert.doesNotMatch(file.stderr + file.stdout, /File-Secret-66/);
  });

  it('exits 2 on a query error, an unreachable server and bad usage', async () => {
    const bad = await cli(['--connection', dbs.pgUrl, '--username', 'postgres', '--query', 'select * from nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /SqlStatementFailed: .*42P01/);
    const down = await cli(['--connection', 'jdbc:postgresql://127.0.0.1:1/x', '--username', 'u', '--query', 'select 1']);
    assert.equal(down.code, 2);
    assert.match(down.stderr, /SqlConnectFailed: .*connection refused/);
    const usage = await cli(['--username', 'u', '--query', 'select 1']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--connection is required/);
    const unknown = await cli(['--connection', dbs.pgUrl, '--password', 'x', '--query', 'select 1']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown argument "--password"/);
    const mismatch = await cli(['--connection', dbs.pgUrl, '--username', 'postgres', '--query', 'select ?']);
    assert.equal(mismatch.code, 2);
    assert.match(mismatch.stderr, /SqlArgumentMismatch/);
  });
});
