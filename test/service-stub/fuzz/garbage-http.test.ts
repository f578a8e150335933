/**
 * Property: HTTP that is not a proper API call (wrong method, missing or odd X-Amz-Target, non-JSON content, broken
 * or missing signatures, odd paths) gets a 4xx with the AWS JSON error shape, never a 5xx, and never stops the server.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OPERATIONS } from '../../../protocol/shapes.js';
import { startTestServer, TEST_KEY } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { anyString, FUZZ_SEED } from './arbitraries.js';
import type { RawRequest } from './wire.js';
import { assertAlive, assertWellFormed, rawCall, signedCall } from './wire.js';

const RUNS = 200;

/** Header values node:http will send: printable ASCII only (it throws on anything else, before the server sees it). */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });

const amzDate = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

const target = fc.oneof(
  fc.constantFrom(...OPERATIONS).map((op) => `DataPipeline.${op}`),
  fc.constantFrom(...OPERATIONS).map((op) => `DataPipeline_20121129.${op}`),
  fc.constantFrom('DataPipeline.', 'DataPipeline', 'DataPipeline.constructor', 'DataPipeline.__proto__', 'DataPipeline.toString', 'S3.ListBuckets', '.', ''),
  headerText,
);

/** Authorization headers from absent through malformed to well-formed with a wrong signature. */
const authorization = fc.oneof(
  fc.constant(undefined),
  headerText,
  fc
    .record({
      key: fc.constantFrom(TEST_KEY.accessKeyId, 'AKIDUNKNOWN', ''),
      date: fc.constantFrom(amzDate(new Date()).slice(0, 8), '20000101', '99999999', 'x'),
      region: fc.constantFrom('us-east-1', 'eu-west-1', ''),
      service: fc.constantFrom('datapipeline', 's3', ''),
      signed: fc.constantFrom('host', 'host;x-amz-date', 'authorization;host;x-amz-date', 'host;host', 'content-type;host;x-amz-date;x-amz-target', 'host;nonexistent', 'HOST', ';', ''),
      signature: fc.oneof(fc.constant('0'.repeat(64)), fc.stringMatching(/^[0-9a-f]{64}$/), headerText),
    })
    .map((a) => `AWS4-HMAC-SHA256 Credential=${a.key}/${a.date}/${a.region}/${a.service}/aws4_request, SignedHeaders=${a.signed}, Signature=${a.signature}`),
);

const body = fc.oneof(
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 2_000 }),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s, 'utf8')),
  anyString.map((s) => Buffer.from(s, 'utf8')),
  fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? '', 'utf8')),
  fc.constantFrom('{', '{"a":', '[]', 'null', '{"__proto__":{"x":1}}', '\u00ef\u00bb\u00bf{}').map((s) => Buffer.from(s, 'latin1')),
);

const request: fc.Arbitrary<RawRequest> = fc
  .record(
    {
      method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
      path: fc.oneof(fc.constantFrom('/', '/?Action=ListPipelines', '/%', '/../../etc/passwd', '//', '/datapipeline/'), headerText.map((p) => `/${encodeURI(p)}`)),
      target,
      contentType: fc.constantFrom('application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', ''),
      authorization,
      xAmzDate: fc.oneof(fc.constant(amzDate(new Date())), fc.constantFrom('20000101T000000Z', 'garbage', '')),
      body,
    },
    { requiredKeys: ['method', 'path', 'contentType', 'xAmzDate'] },
  )
  .map((r) => {
    const headers: Record<string, string> = { 'content-type': r.contentType, 'x-amz-date': r.xAmzDate };
    if (r.target !== undefined) headers['x-amz-target'] = r.target;
    if (r.authorization !== undefined) headers.authorization = r.authorization;
    // GET and HEAD with a body are legal HTTP but unusual; keep them, node:http sends them as given.
    return { method: r.method, path: r.path, headers, body: r.body };
  });

describe('fuzz: garbage HTTP', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer('pglite');
  });
  after(async () => server?.close());

  it(`answers every one of ${RUNS} malformed requests with a JSON 4xx and keeps serving`, async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const res = await rawCall(server.url, r);
        const what = `${r.method} ${r.path} ${JSON.stringify(r.headers)} body=${r.body ? Buffer.from(r.body).toString('latin1').slice(0, 200) : ''}`;
        assertWellFormed(res, what, { bodyless: r.method === 'HEAD' });
        // None of these carries a valid signature, so none may succeed.
        assert.ok(res.status >= 400, `accepted: ${what}`);
        await assertAlive(server.url);
      }),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
  });

  it('a correctly signed call with a body that is not JSON is a SerializationException, not a 5xx', async () => {
    for (const text of ['not json', '{"pipelineId":', '\u0000', '[1,2]', '"string"']) {
      const res = await signedCall(server.url, 'DataPipeline.DescribePipelines', text);
      assertWellFormed(res, JSON.stringify(text));
    }
    // Invalid UTF-8 no longer matches its signature once decoded: a 4xx too.
    assertWellFormed(await signedCall(server.url, 'DataPipeline.ListPipelines', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), 'invalid UTF-8');
  });
});
