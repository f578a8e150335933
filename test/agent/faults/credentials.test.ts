/**
 * Where the real `taskrunner` gets its keys (taskrunner.md 1.3, checklist 14): the environment (default chain),
 * credentials.json through --config, and --accessId/--secretKey, which win over both. A wrong secret is reported
 * as a credentials problem and retried without crashing; no secret ever reaches stdout, stderr or TaskRunner.log.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { startTestServer, TEST_KEY } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { killAllAgents, spawnAgent, until } from './spawn-agent.js';
import type { AgentProcess, SpawnAgentOptions } from './spawn-agent.js';
import { attempts, runs, startShellPipeline, tempDir } from './support.js';

const WRONG_SECRET = 'wrong-secret-Zq8vN3pL0xK7sT2m';

describe('agent faults: credentials (real process)', function () {
  this.timeout(40_000);
  let server: TestServer;
  let c: DataPipelineClient;
  const dirs: string[] = [];
  const rejected = new Map<string, number>();
  let seq = 0;

  before(async () => {
    server = await startTestServer('pglite', {
      pollWaitMs: 200,
      onRequest(op, _status, code) {
        if (code === 'InvalidSignatureException' || code === 'UnrecognizedClientException') rejected.set(op, (rejected.get(op) ?? 0) + 1);
      },
    });
    c = server.client();
  });
  after(async () => server?.close());
  afterEach(async () => {
    await killAllAgents();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function dirsFor(): { dir: string; out: string; home: string } {
    const d = { dir: tempDir('cred'), out: tempDir('cred-out'), home: tempDir('cred-home') };
    dirs.push(d.dir, d.out, d.home);
    return d;
  }

  function assertNoSecrets(agent: AgentProcess, secrets: string[]): void {
    const log = agent.runnerLog();
    assert.ok(log.length > 0, 'the runner log was written');
    for (const s of secrets) {
      assert.equal(agent.output().includes(s), false, `a secret is in the agent's stdout/stderr:\n${agent.output()}`);
      assert.equal(log.includes(s), false, `a secret is in TaskRunner.log:\n${log}`);
    }
  }

  /** Runs one task with these credentials; the agent must finish it, then stop cleanly. */
  async function runsATask(o: Omit<SpawnAgentOptions, 'url' | 'workerGroup' | 'outputDir'>, d = dirsFor()): Promise<AgentProcess> {
    const wg = `wg-cred-${++seq}`;
    // An empty HOME: no ~/.aws file of the test host can supply keys.
    const agent = spawnAgent({ url: server.url, workerGroup: wg, outputDir: d.out, ...o, env: { HOME: d.home, ...o.env } });
    const pipelineId = await startShellPipeline(c, { workerGroup: wg, command: 'echo ran >> "$1/runs"', dir: d.dir });
    await until(async () => (await attempts(c, pipelineId))[0]?.status === 'FINISHED', 20_000, 'task FINISHED', () => agent.output());
    assert.equal(runs(d.dir).length, 1);
    agent.signal('SIGTERM');
    assert.deepEqual(await agent.waitExit(), { code: 0, signal: null }, agent.output());
    return agent;
  }

  it('takes keys from the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) when no option gives any', async () => {
    const agent = await runsATask({
      keys: false,
      env: { AWS_ACCESS_KEY_ID: TEST_KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_KEY.secretAccessKey },
    });
    assert.match(agent.output(), /credentials from the AWS default chain/);
    assertNoSecrets(agent, [TEST_KEY.secretAccessKey]);
  });

  it('takes keys from --config credentials.json', async () => {
    const d = dirsFor();
    const file = join(d.home, 'credentials.json');
    writeFileSync(file, JSON.stringify({ 'access-id': TEST_KEY.accessKeyId, 'private-key': TEST_KEY.secretAccessKey }), { mode: 0o600 });
    const agent = await runsATask({ keys: false, args: [`--config=${file}`] }, d);
    assert.match(agent.output(), /credentials from config-file/);
    assertNoSecrets(agent, [TEST_KEY.secretAccessKey]);
  });

  it('--accessId/--secretKey win over --config and the environment', async () => {
    const d = dirsFor();
    const file = join(d.home, 'credentials.json');
    writeFileSync(file, JSON.stringify({ 'access-id': TEST_KEY.accessKeyId, 'private-key': WRONG_SECRET }), { mode: 0o600 });
    const before = rejected.get('PollForTask') ?? 0;
    const agent = await runsATask(
      {
        keys: true,
        args: [`--config=${file}`],
        env: { AWS_ACCESS_KEY_ID: 'AKIDWRONGWRONGWRONG0', AWS_SECRET_ACCESS_KEY: `${WRONG_SECRET}-env` },
      },
      d,
    );
    assert.match(agent.output(), /credentials from options/);
    assert.equal(rejected.get('PollForTask') ?? 0, before, 'no call was signed with the file or env keys');
    assertNoSecrets(agent, [TEST_KEY.secretAccessKey, WRONG_SECRET, `${WRONG_SECRET}-env`]);
  });

  it('a wrong secret: a clear credentials error, retried with backoff, no crash, the secret never printed', async () => {
    const d = dirsFor();
    const before = rejected.get('PollForTask') ?? 0;
    const agent = spawnAgent({
      url: server.url,
      workerGroup: 'wg-cred-wrong',
      outputDir: d.out,
      keys: false,
      args: [`--accessId=${TEST_KEY.accessKeyId}`, `--secretKey=${WRONG_SECRET}`],
      env: { HOME: d.home },
    });
    const line = await agent.waitFor(/PollForTask failed/);
    assert.match(line, /credentials \(InvalidSignatureException\)/);
    assert.match(line, /--accessId\/--secretKey/);
    // Still alive and still trying after several refusals.
    await until(() => (rejected.get('PollForTask') ?? 0) - before >= 4, 20_000, 'several rejected polls', () => agent.output());
    // Checked every 20 ms: a retry loop without backoff would be dozens of refusals past the fourth by now.
    assert.ok((rejected.get('PollForTask') ?? 0) - before < 12, `rejected polls: ${(rejected.get('PollForTask') ?? 0) - before}`);
    assert.equal(agent.child.exitCode, null, 'the agent keeps running');
    agent.signal('SIGTERM');
    assert.deepEqual(await agent.waitExit(), { code: 0, signal: null }, agent.output());
    assertNoSecrets(agent, [WRONG_SECRET]);
  });
});
