import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { startInstanceIdentity } from '../../../agent/instance-identity.js';
import { sdkServiceApi } from '../../../agent/service-api.js';
import { FAKE_DOCUMENT, FAKE_SIGNATURE, startFakeImds, startPollRecorder } from '../../support/fake-imds.js';
import type { FakeImds, PollRecorder } from '../../support/fake-imds.js';
import { startTestServer, TEST_KEY } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { killAllAgents, spawnAgent, until } from '../faults/spawn-agent.js';
import { tempDir } from '../faults/support.js';

describe('agent e2e: PollForTask carries the EC2 instance identity', function () {
  this.timeout(60_000);
  let server: TestServer;
  let imds: FakeImds;
  let rec: PollRecorder;
  before(async () => {
    server = await startTestServer('pglite');
    imds = await startFakeImds();
    rec = await startPollRecorder(server.url);
  });
  beforeEach(() => {
    rec.polls.length = 0;
    rec.statuses.length = 0;
    imds.requests.length = 0;
  });
  afterEach(() => killAllAgents());
  after(async () => {
    await rec?.close();
    await imds?.close();
    await server?.close();
  });

  it('sends the identity read once from IMDS on every poll, and the server accepts it', async () => {
    const client = new DataPipelineClient({ endpoint: rec.url, region: 'us-east-1', maxAttempts: 1, credentials: TEST_KEY });
    try {
      const src = startInstanceIdentity({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url } });
      const api = sdkServiceApi(client, { workerGroup: 'wg-iid', hostname: 'h', taskrunnerId: 'r', pollTimeoutMs: 5_000, instanceIdentity: () => src.get() });
      assert.equal(await api.pollForTask(new AbortController().signal), undefined);
      assert.equal(await api.pollForTask(new AbortController().signal), undefined);
      assert.deepEqual(rec.statuses, [200, 200]);
      for (const p of rec.polls) assert.deepEqual(p.instanceIdentity, { document: FAKE_DOCUMENT, signature: FAKE_SIGNATURE });
      assert.equal(imds.requests.length, 3, 'IMDS read once (token, document, signature) for both polls');
    } finally {
      client.destroy();
    }
  });

  it('the taskrunner process reads IMDS at start-up and polls with the identity', async () => {
    const outputDir = tempDir('iid');
    try {
      const agent = spawnAgent({
        url: rec.url,
        workerGroup: 'wg-iid-proc',
        outputDir,
        env: { AWS_EC2_METADATA_DISABLED: 'false', AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url, TASKRUNNER_MIN_POLL_INTERVAL_MS: '20' },
      });
      await agent.waitFor(/running on EC2 instance i-0123456789abcdef0 in eu-west-1/);
      await until(() => rec.polls.length >= 3, 15_000, 'three polls', agent.output);
      agent.signal('SIGTERM');
      assert.deepEqual(await agent.waitExit(), { code: 0, signal: null });
      assert.ok(rec.statuses.every((s) => s === 200), `statuses ${rec.statuses.join(',')}`);
      for (const p of rec.polls) assert.deepEqual(p.instanceIdentity, { document: FAKE_DOCUMENT, signature: FAKE_SIGNATURE });
      assert.equal(imds.requests.filter((r) => r.method === 'PUT').length, 1, 'one read for all poll slots');
    } finally {
      rmSync(outputDir, { recursive: true, force: true });
    }
  });

  it('the taskrunner process polls without it when IMDS is disabled (the test default)', async () => {
    const outputDir = tempDir('iid-off');
    try {
      const agent = spawnAgent({ url: rec.url, workerGroup: 'wg-iid-off', outputDir, env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url, TASKRUNNER_MIN_POLL_INTERVAL_MS: '20' } });
      await until(() => rec.polls.length >= 2, 15_000, 'two polls', agent.output);
      agent.signal('SIGTERM');
      assert.deepEqual(await agent.waitExit(), { code: 0, signal: null });
      for (const p of rec.polls) assert.equal(p.instanceIdentity, undefined);
      assert.equal(imds.requests.length, 0);
    } finally {
      rmSync(outputDir, { recursive: true, force: true });
    }
  });
});
