/** The wire contract for errors and outputs: JSON error shape, 4xx for every client mistake, required output members. */
import assert from 'node:assert/strict';
import { OPERATIONS } from '../../../protocol/shapes.js';
import fc from 'fast-check';
import { TEST_KEY, startTestServer, toPipelineObjects } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import type { RawResponse } from './helpers.js';
import { STORES, ondemandDefault, rawRequest, shell, uniq } from './helpers.js';

const KEY = { accessKeyId: TEST_KEY.accessKeyId, secret: TEST_KEY.secretAccessKey };

/** Every input member name of the API, each with a value of the wrong JSON type. */
const WRONG_TYPES = {
  pipelineId: 5,
  pipelineIds: 'df-x',
  name: [],
  uniqueId: {},
  description: 1,
  tags: 'x',
  tagKeys: [1],
  objectIds: 'x',
  objectId: false,
  expression: 3,
  evaluateExpressions: 'yes',
  marker: 7,
  limit: '10',
  sphere: 1,
  query: [],
  pipelineObjects: {},
  parameterObjects: 'x',
  parameterValues: [{}],
  startTimestamp: 'not a time',
  cancelActive: 'no',
  version: 1,
  status: [],
  taskId: true,
  taskStatus: 1,
  errorId: 1,
  errorMessage: 2,
  errorStackTrace: 3,
  fields: 'x',
  workerGroup: 1,
  hostname: 2,
  instanceIdentity: 'x',
  taskrunnerId: {},
};

function assertErrorShape(r: RawResponse, what: string): void {
  assert.ok(r.status >= 400 && r.status < 500, `${what}: expected a 4xx, got ${r.status} ${r.text.slice(0, 200)}`);
  assert.equal(typeof r.json.__type, 'string', `${what}: __type`);
  assert.equal(typeof r.json.message, 'string', `${what}: message`);
  assert.equal(r.headers.get('content-type'), 'application/x-amz-json-1.1');
  assert.ok(r.headers.get('x-amzn-requestid'), `${what}: x-amzn-requestid`);
}

for (const store of STORES) {
  describe(`API error contract (${store})`, () => {
    let server: TestServer;
    const call = (op: string, body: unknown) => rawRequest(server.url, { target: `DataPipeline.${op}`, body: JSON.stringify(body), sign: KEY });
    before(async () => {
      server = await startTestServer(store);
    });
    after(async () => server?.close());

    it('junk JSON and non-object bodies are SerializationException (400)', async () => {
      for (const body of ['{"pipelineId": ', 'not json', '[]', '"x"', 'null', '42']) {
        const r = await rawRequest(server.url, { target: 'DataPipeline.ListPipelines', body, sign: KEY });
        assertErrorShape(r, body);
        assert.equal(r.status, 400);
        assert.equal(r.json.__type, 'SerializationException', body);
      }
    });

    it('an unknown X-Amz-Target is UnknownOperationException (400); the errata prefix is accepted', async () => {
      for (const target of ['DataPipeline.NoSuchOperation', 'DynamoDB_20120810.ListTables', '', 'ListPipelines']) {
        const r = await rawRequest(server.url, { target, sign: KEY });
        assertErrorShape(r, target);
        assert.equal(r.status, 400);
        assert.equal(r.json.__type, 'UnknownOperationException', target);
      }
      const errata = await rawRequest(server.url, { target: 'DataPipeline_20121129.ListPipelines', sign: KEY });
      assert.equal(errata.status, 200);
    });

    it('a 30 MB body is refused with the JSON error shape', async () => {
      const body = 'a'.repeat(30 * 1024 * 1024);
      const r = await rawRequest(server.url, { target: 'DataPipeline.EvaluateExpression', body, sign: false });
      assertErrorShape(r, '30 MB');
      assert.ok(r.status === 413 || r.status === 400, String(r.status));
    });

    it('GET is a 4xx with the JSON error shape', async () => {
      const res = await fetch(`${server.url}/`, { method: 'GET' });
      assert.ok(res.status >= 400 && res.status < 500);
      const j = (await res.json()) as { __type?: string };
      assert.equal(typeof j.__type, 'string');
    });

    it('every operation: missing members and wrong types are InvalidRequestException, never a 500', async () => {
      for (const op of OPERATIONS) {
        if (op !== 'ListPipelines') {
          const empty = await call(op, {});
          assertErrorShape(empty, `${op} {}`);
          assert.equal(empty.json.__type, 'InvalidRequestException', `${op} {}: ${empty.json.message}`);
        }
        const wrong = await call(op, WRONG_TYPES);
        assertErrorShape(wrong, `${op} wrong types`);
        assert.equal(wrong.json.__type, 'InvalidRequestException', `${op} wrong types`);
      }
    });

    it('random JSON bodies never get a 500', async () => {
      const names = Object.keys(WRONG_TYPES);
      const body = fc.dictionary(fc.constantFrom(...names), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...OPERATIONS), body, async (op, b) => {
          if (op === 'PollForTask') return; // a valid poll would be held; covered elsewhere
          const r = await call(op, b);
          assert.ok(r.status < 500, `${op} ${JSON.stringify(b).slice(0, 300)} -> ${r.status} ${r.text.slice(0, 300)}`);
          if (r.status >= 400) assertErrorShape(r, op);
        }),
        { numRuns: 150 },
      );
    });

    it('required output members are always present on the wire', async () => {
      const created = await call('CreatePipeline', { name: uniq('wire'), uniqueId: 'u' });
      assert.equal(created.status, 200);
      const pipelineId = created.json.pipelineId as string;
      assert.equal(typeof pipelineId, 'string');
      const wg = uniq('wg');
      const pipelineObjects = toPipelineObjects([ondemandDefault(wg), shell('A')]);
      const checks: [string, unknown, string][] = [
        ['ValidatePipelineDefinition', { pipelineId, pipelineObjects }, 'errored'],
        ['PutPipelineDefinition', { pipelineId, pipelineObjects }, 'errored'],
        ['DescribeObjects', { pipelineId, objectIds: ['A'] }, 'pipelineObjects'],
        ['DescribePipelines', { pipelineIds: [pipelineId] }, 'pipelineDescriptionList'],
        ['EvaluateExpression', { pipelineId, objectId: 'A', expression: 'x' }, 'evaluatedExpression'],
        ['ListPipelines', {}, 'pipelineIdList'],
        ['ReportTaskRunnerHeartbeat', { taskrunnerId: 'r' }, 'terminate'],
      ];
      for (const [op, body, member] of checks) {
        const r = await call(op, body);
        assert.equal(r.status, 200, `${op}: ${r.text}`);
        assert.ok(member in r.json, `${op} answers ${member}: ${r.text.slice(0, 200)}`);
      }
      for (const [op, body] of [
        ['ActivatePipeline', { pipelineId }],
        ['AddTags', { pipelineId, tags: [{ key: 'k', value: 'v' }] }],
        ['RemoveTags', { pipelineId, tagKeys: ['k'] }],
      ] as const) {
        const r = await call(op, body);
        assert.equal(r.status, 200, `${op}: ${r.text}`);
        assert.deepEqual(r.json, {}, op);
      }
      const polled = await call('PollForTask', { workerGroup: wg });
      const taskId = (polled.json.taskObject as { taskId: string }).taskId;
      const progress = await call('ReportTaskProgress', { taskId });
      assert.equal(progress.json.canceled, false);
      const setStatus = await call('SetStatus', { pipelineId, objectIds: ['A'], status: 'PAUSE' });
      assert.equal(setStatus.status, 200);
      assert.ok(setStatus.text === '' || setStatus.text === '{}', 'SetStatus has no output shape');
      assert.deepEqual((await call('SetTaskStatus', { taskId, taskStatus: 'FINISHED' })).json, {});
      assert.deepEqual((await call('DeactivatePipeline', { pipelineId })).json, {});
      const del = await call('DeletePipeline', { pipelineId });
      assert.equal(del.status, 200);
      assert.ok(del.text === '' || del.text === '{}', 'DeletePipeline has no output shape');
    });
  });
}
