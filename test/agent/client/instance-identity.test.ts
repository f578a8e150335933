import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchInstanceIdentity, identityLogLine, imdsEndpoint, startInstanceIdentity } from '../../../agent/instance-identity.js';
import type { IdentityResult } from '../../../agent/instance-identity.js';
import { FAKE_DOCUMENT, FAKE_SIGNATURE, startFakeImds } from '../../support/fake-imds.js';
import type { FakeImds } from '../../support/fake-imds.js';

const LIMITS = { connectMs: 1000, responseMs: 2000 };

/** A port on 127.0.0.1 with nothing listening (connection refused at once). */
async function closedPort(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

describe('agent: EC2 instance identity from IMDS', () => {
  let imds: FakeImds | undefined;
  afterEach(async () => {
    await imds?.close();
    imds = undefined;
  });

  it('reads document and signature with an IMDSv2 token', async () => {
    imds = await startFakeImds();
    const id = await fetchInstanceIdentity({ AWS_EC2_METADATA_SERVICE_ENDPOINT: `${imds.url}/` }, LIMITS);
    assert.deepEqual(id, { document: FAKE_DOCUMENT, signature: FAKE_SIGNATURE });
    assert.deepEqual(imds.requests[0], { method: 'PUT', path: '/latest/api/token', token: undefined, ttl: '21600' });
    assert.deepEqual(
      imds.requests.slice(1).map((r) => [r.method, r.path, r.token]).sort(),
      [
        ['GET', '/latest/dynamic/instance-identity/document', 'fake-imds-token'],
        ['GET', '/latest/dynamic/instance-identity/signature', 'fake-imds-token'],
      ],
    );
  });

  it('falls back to IMDSv1 when the token call is refused or unanswered, unless v1 is disabled', async () => {
    imds = await startFakeImds({ mode: 'v1', putStatus: 403 });
    const env = { AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url };
    assert.deepEqual(await fetchInstanceIdentity(env, LIMITS), { document: FAKE_DOCUMENT, signature: FAKE_SIGNATURE });
    await assert.rejects(fetchInstanceIdentity({ ...env, AWS_EC2_METADATA_V1_DISABLED: 'true' }, LIMITS), { code: 'ImdsHttpError', status: 403 });
    await imds.close();
    imds = await startFakeImds({ mode: 'hang-put' });
    const id = await fetchInstanceIdentity({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url }, { connectMs: 1000, responseMs: 50 });
    assert.equal(id.document, FAKE_DOCUMENT);
  });

  it('gives up at once when nothing listens, and never fails the source', async () => {
    const url = await closedPort();
    await assert.rejects(fetchInstanceIdentity({ AWS_EC2_METADATA_SERVICE_ENDPOINT: url }, LIMITS), { code: 'ImdsUnreachable' });
    const results: IdentityResult[] = [];
    const src = startInstanceIdentity({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: url }, onResult: (r) => results.push(r) });
    assert.equal(await src.get(), undefined);
    assert.equal(results[0]?.kind, 'absent');
  });

  it('leaves out a part longer than the API allows', async () => {
    imds = await startFakeImds({ signature: 'x'.repeat(1025) });
    await assert.rejects(fetchInstanceIdentity({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url }, LIMITS), { code: 'ImdsTooLong' });
  });

  it('is off with AWS_EC2_METADATA_DISABLED=true and asks nothing', async () => {
    imds = await startFakeImds();
    const results: IdentityResult[] = [];
    const src = startInstanceIdentity({ env: { AWS_EC2_METADATA_DISABLED: 'TRUE', AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url }, onResult: (r) => results.push(r) });
    assert.equal(src.get(), undefined);
    assert.deepEqual(results, [{ kind: 'disabled' }]);
    assert.equal(imds.requests.length, 0);
  });

  it('logs found at info, absent at debug, disabled not at all', () => {
    assert.deepEqual(identityLogLine({ kind: 'found', instanceId: 'i-1', region: 'eu-west-1' }), {
      level: 'info',
      text: 'running on EC2 instance i-1 in eu-west-1: polls carry its instance identity',
    });
    assert.equal(identityLogLine({ kind: 'absent', reason: 'x', kept: false })?.level, 'debug');
    assert.match(identityLogLine({ kind: 'absent', reason: 'x', kept: true })?.text ?? '', /keeping the one read earlier/);
    assert.equal(identityLogLine({ kind: 'disabled' }), undefined);
  });

  it('picks the endpoint like the SDK', () => {
    assert.equal(imdsEndpoint({}), 'http://169.254.169.254');
    assert.equal(imdsEndpoint({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' }), 'http://[fd00:ec2::254]');
    assert.equal(imdsEndpoint({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://10.0.0.1:8080/' }), 'http://10.0.0.1:8080');
  });

  it('reads once, serves the cache, and re-reads in the background after refreshMs keeping the last good value', async () => {
    imds = await startFakeImds();
    let t = 1_000;
    const results: IdentityResult[] = [];
    const src = startInstanceIdentity({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url }, refreshMs: 100, now: () => t, onResult: (r) => results.push(r) });
    const [a, b] = await Promise.all([src.get(), src.get()]);
    assert.deepEqual(a, { document: FAKE_DOCUMENT, signature: FAKE_SIGNATURE });
    assert.equal(b, a);
    assert.deepEqual(results, [{ kind: 'found', instanceId: 'i-0123456789abcdef0', region: 'eu-west-1' }]);
    assert.equal(imds.requests.length, 3, 'one token and two reads for both callers');
    assert.equal(src.get(), a, 'served from the cache, synchronously');
    assert.equal(imds.requests.length, 3);
    // Past refreshMs with IMDS gone: the poll still gets the cached identity, the re-read fails quietly.
    await imds.close();
    imds = undefined;
    t += 100;
    assert.equal(src.get(), a);
    while (results.length < 2) await new Promise((r) => setImmediate(r));
    assert.deepEqual({ ...results[1], reason: undefined }, { kind: 'absent', kept: true, reason: undefined });
    assert.equal(src.get(), a);
  });
});
