/** SigV4: the SDK with wrong credentials, and hand-made requests (unsigned, stale, tampered). */
import assert from 'node:assert/strict';
import { DataPipelineClient, ListPipelinesCommand } from '@aws-sdk/client-data-pipeline';
import { TEST_KEY, startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { MINUTE, STORES, expectError, rawRequest, signHeaders } from './helpers.js';

const KEY = { accessKeyId: TEST_KEY.accessKeyId, secret: TEST_KEY.secretAccessKey };
const LIST = 'DataPipeline.ListPipelines';

for (const store of STORES) {
  describe(`API authentication (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(store);
    });
    after(async () => server?.close());

    it('valid keys work (SDK and a hand-signed request)', async () => {
      const r = await server.client().send(new ListPipelinesCommand({}));
      assert.equal(r.$metadata.httpStatusCode, 200);
      const raw = await rawRequest(server.url, { target: LIST, sign: KEY });
      assert.equal(raw.status, 200);
      assert.ok(Array.isArray(raw.json.pipelineIdList));
      assert.equal(raw.headers.get('content-type'), 'application/x-amz-json-1.1');
      assert.ok(raw.headers.get('x-amzn-requestid'));
    });

    it('a wrong secret is InvalidSignatureException', async () => {
      const err = await expectError(server.client({ secret: 'wrong' }).send(new ListPipelinesCommand({})), 'InvalidSignatureException');
      assert.match(err.message, /signature/i);
    });

    it('an unknown key id is UnrecognizedClientException', async () => {
      await expectError(server.client({ accessKeyId: 'AKIDUNKNOWNUNKNOWN00' }).send(new ListPipelinesCommand({})), 'UnrecognizedClientException');
    });

    it('no Authorization header is MissingAuthenticationTokenException (403)', async () => {
      const r = await rawRequest(server.url, { target: LIST, sign: false });
      assert.equal(r.status, 403);
      assert.equal(r.json.__type, 'MissingAuthenticationTokenException');
      assert.equal(typeof r.json.message, 'string');
    });

    it('a request signed 20 minutes ago is refused as expired (hand-signed and SDK clock offset)', async () => {
      const r = await rawRequest(server.url, { target: LIST, sign: { ...KEY, date: new Date(Date.now() - 20 * MINUTE) } });
      assert.equal(r.status, 400);
      assert.equal(r.json.__type, 'InvalidSignatureException');
      assert.match(String(r.json.message), /expired/i);
      const future = await rawRequest(server.url, { target: LIST, sign: { ...KEY, date: new Date(Date.now() + 20 * MINUTE) } });
      assert.equal(future.status, 400);
      // 10 minutes of skew is tolerated (AWS allows 15).
      const ok = await rawRequest(server.url, { target: LIST, sign: { ...KEY, date: new Date(Date.now() - 10 * MINUTE) } });
      assert.equal(ok.status, 200);
      const sdk = new DataPipelineClient({
        endpoint: server.url,
        region: 'us-east-1',
        maxAttempts: 1,
        systemClockOffset: -20 * MINUTE,
        credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey: KEY.secret },
      });
      try {
        const err = await expectError(sdk.send(new ListPipelinesCommand({})), 'InvalidSignatureException');
        assert.match(err.message, /expired/i);
      } finally {
        sdk.destroy();
      }
    });

    it('a body changed after signing is InvalidSignatureException', async () => {
      const signed = await rawRequest(server.url, { target: LIST, sign: KEY, body: '{}' });
      assert.equal(signed.status, 200);
      // Signed for one body, sent with another.
      const r = await rawRequest(server.url, {
        target: LIST,
        sign: false,
        body: '{"marker":""}',
        headers: await signHeaders(server.url, '{}', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': LIST }, KEY),
      });
      assert.equal(r.status, 400);
      assert.equal(r.json.__type, 'InvalidSignatureException');
    });

    it('a malformed Authorization header is a 400 with the JSON error shape, never a 500', async () => {
      for (const authorization of ['Bearer abc', 'AWS4-HMAC-SHA256 Credential=x', 'AWS4-HMAC-SHA256 Credential=AKID/20200101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=' + '0'.repeat(64)]) {
        const r = await rawRequest(server.url, { target: LIST, sign: false, headers: { authorization, 'x-amz-date': '20200101T000000Z' } });
        assert.ok(r.status >= 400 && r.status < 500, `${authorization}: ${r.status}`);
        assert.equal(typeof r.json.__type, 'string');
        assert.equal(typeof r.json.message, 'string');
      }
    });
  });
}
