import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListPipelinesCommand, PollForTaskCommand } from '@aws-sdk/client-data-pipeline';
import { parseArgs } from '../../../agent/config.js';
import { CallTimeoutError, callWithTimeout, createDataPipelineClient } from '../../../agent/client.js';
import { startTestServer, TEST_KEY } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';

/** The AWS variables the default chain reads, set to known values (or removed) for one test, then restored. */
const CHAIN_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE'];

describe('agent client: credentials, timeouts', () => {
  let server: TestServer;
  let dir: string;
  let saved: Record<string, string | undefined>;
  before(async () => {
    server = await startTestServer('postgres');
    dir = mkdtempSync(join(tmpdir(), 'tr-client-'));
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    saved = Object.fromEntries(CHAIN_VARS.map((k) => [k, process.env[k]]));
    for (const k of CHAIN_VARS) delete process.env[k];
    // No profile files and no instance metadata: only what a test puts in the environment.
    process.env.AWS_CONFIG_FILE = join(dir, 'no-config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'no-credentials');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
  });
  afterEach(() => {
    for (const k of CHAIN_VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  const credsFile = (): string => {
    const p = join(dir, 'credentials.json');
    writeFileSync(p, JSON.stringify({ 'access-id': 'AKIDFROMFILE', 'private-key': 'file-secret' }));
    return p;
  };
  const client = (argv: string[]) => createDataPipelineClient(parseArgs(['--workerGroup=wg', `--endpoint=${server.url}`, ...argv], process.env));

  it('prefers --accessId/--secretKey over --config over the environment', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDFROMENV';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    process.env.AWS_SESSION_TOKEN = 'env-token';
    const opt = client(['--accessId=AKIDFROMOPT', '--secretKey=opt-secret', `--config=${credsFile()}`]);
    const file = client([`--config=${credsFile()}`]);
    const chain = client([]);
    try {
      const o = await opt.config.credentials();
      assert.deepEqual([o.accessKeyId, o.secretAccessKey, o.sessionToken], ['AKIDFROMOPT', 'opt-secret', undefined]);
      const f = await file.config.credentials();
      assert.deepEqual([f.accessKeyId, f.secretAccessKey, f.sessionToken], ['AKIDFROMFILE', 'file-secret', undefined]);
      const c = await chain.config.credentials();
      assert.deepEqual([c.accessKeyId, c.secretAccessKey, c.sessionToken], ['AKIDFROMENV', 'env-secret', 'env-token']);
    } finally {
      for (const c of [opt, file, chain]) c.destroy();
    }
  });

  it('signs real calls with the chain credentials, and fails with none', async () => {
    process.env.AWS_ACCESS_KEY_ID = TEST_KEY.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = TEST_KEY.secretAccessKey;
    const ok = client([]);
    try {
      assert.deepEqual((await ok.send(new ListPipelinesCommand({}))).pipelineIdList, []);
    } finally {
      ok.destroy();
    }
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const none = client([]);
    try {
      await assert.rejects(none.send(new ListPipelinesCommand({})), /credential/i);
    } finally {
      none.destroy();
    }
  });

  it('callWithTimeout ends a held PollForTask with CallTimeoutError, and passes results through', async () => {
    const c = client([`--accessId=${TEST_KEY.accessKeyId}`, `--secretKey=${TEST_KEY.secretAccessKey}`]);
    try {
      // The test server holds an empty poll for 200 ms.
      const err = await callWithTimeout(c, new PollForTaskCommand({ workerGroup: 'empty-wg' }), 50).then(
        () => assert.fail('should time out'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof CallTimeoutError, String(err));
      assert.equal(err.operation, 'PollForTask');
      const out = await callWithTimeout(c, new ListPipelinesCommand({}), 5_000);
      assert.deepEqual(out.pipelineIdList, []);
    } finally {
      c.destroy();
    }
  });

  it('callWithTimeout gives way to the outer signal (an abort, not a timeout)', async () => {
    const c = client([`--accessId=${TEST_KEY.accessKeyId}`, `--secretKey=${TEST_KEY.secretAccessKey}`]);
    const outer = new AbortController();
    try {
      const call = callWithTimeout(c, new PollForTaskCommand({ workerGroup: 'empty-wg' }), 5_000, outer.signal);
      setImmediate(() => outer.abort());
      const err = await call.then(
        () => assert.fail('should abort'),
        (e: unknown) => e,
      );
      assert.ok(!(err instanceof CallTimeoutError));
      assert.equal((err as Error).name, 'AbortError');
    } finally {
      c.destroy();
    }
  });

  it('the handler turns --pollTimeout into a real error, in one attempt', async () => {
    const c = client([`--accessId=${TEST_KEY.accessKeyId}`, `--secretKey=${TEST_KEY.secretAccessKey}`, '--pollTimeout=0.05']);
    try {
      const err = (await c.send(new PollForTaskCommand({ workerGroup: 'empty-wg' })).then(
        () => assert.fail('should time out'),
        (e: unknown) => e,
      )) as Error & { $metadata?: { attempts?: number } };
      assert.equal(err.name, 'TimeoutError');
      assert.equal(err.$metadata?.attempts ?? 1, 1);
    } finally {
      c.destroy();
    }
  });
});
