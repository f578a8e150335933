/**
 * Well-typed but odd input against a live pipeline: whatever a client sends, the answer is a 200 or a 4xx with
 * the JSON error shape, never a 500 (a 500 is retried by every SDK and hides the caller's mistake).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TEST_KEY, startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { STORES, createAndActivate, instanceOf, ondemandDefault, rawRequest, shell, uniq } from './helpers.js';

const KEY = { accessKeyId: TEST_KEY.accessKeyId, secret: TEST_KEY.secretAccessKey };

/** Text built from expression-language pieces, so the parser and evaluator see near-miss input. */
const exprText = fc
  .array(
    fc.oneof(
      fc.constantFrom('#{', '}', '(', ')', "'", ',', ' ', '+', '-', '*', '/', '.', '@', '"', '\\', '${'),
      fc.constantFrom('format', 'minusDays', 'plusHours', 'makeDate', 'inDays', 'year', 'node', 'parent', 'input', 'myBucket', 'myParam'),
      fc.constantFrom('@scheduledStartTime', '@id', '@status', '@pipelineId', 'YYYY-MM-dd', 'HH:mm', '1', '-5', '2.5', '99999999999999999999'),
      fc.string({ maxLength: 4 }),
    ),
    { maxLength: 14 },
  )
  .map((parts) => parts.join(''));

const someId = (known: string[]) => fc.oneof(fc.constantFrom(...known), fc.string({ minLength: 1, maxLength: 8 }), exprText.filter((s) => s.length > 0));

for (const store of STORES) {
  describe(`API robustness against odd well-typed input (${store})`, () => {
    let server: TestServer;
    let pipelineId: string;
    let known: string[];
    const call = (op: string, body: unknown) => rawRequest(server.url, { target: `DataPipeline.${op}`, body: JSON.stringify(body), sign: KEY });
    const never500 = async (op: string, body: unknown) => {
      const r = await call(op, body);
      assert.ok(r.status < 500, `${op} ${JSON.stringify(body).slice(0, 400)} -> ${r.status} ${r.text.slice(0, 400)}`);
      if (r.status >= 400) assert.equal(typeof r.json.__type, 'string');
      return r;
    };

    before(async () => {
      server = await startTestServer(store);
      const c = server.client();
      pipelineId = await createAndActivate(c, [
        ondemandDefault(uniq('wg'), { myBucket: 's3://b' }),
        shell('A', { command: 'echo #{myBucket}' }),
        shell('B', { dependsOn: { ref: 'A' } }),
      ]);
      known = ['A', 'B', 'Default', await instanceOf(c, pipelineId, 'A'), await instanceOf(c, pipelineId, 'B')];
      known.push(`${known[3]}_Attempt=1`);
    });
    after(async () => server?.close());

    it('EvaluateExpression', async () => {
      await fc.assert(
        fc.asyncProperty(someId(known), exprText, async (objectId, expression) => {
          await never500('EvaluateExpression', { pipelineId, objectId, expression });
        }),
        { numRuns: 150 },
      );
    });

    it('QueryObjects selectors', async () => {
      const selector = fc.record({
        fieldName: fc.constantFrom('@status', '@componentParent', '@scheduledStartTime', '@actualEndTime', 'name', 'parent', 'type', ''),
        operator: fc.record({
          type: fc.constantFrom('EQ', 'REF_EQ', 'LE', 'GE', 'BETWEEN', 'eq', 'LIKE'),
          values: fc.array(fc.oneof(fc.constantFrom('FINISHED', 'CANCELLED', 'WAITING', '2020-01-01T00:00:00'), fc.string({ maxLength: 20 })), { maxLength: 3 }),
        }),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('INSTANCE', 'ATTEMPT', 'COMPONENT', 'instance', 'x'),
          fc.array(selector, { maxLength: 4 }),
          fc.option(fc.integer({ min: -5, max: 2000 }), { nil: undefined }),
          fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
          async (sphere, selectors, limit, marker) => {
            await never500('QueryObjects', { pipelineId, sphere, query: { selectors }, limit, marker });
          },
        ),
        { numRuns: 150 },
      );
    });

    it('DescribeObjects, SetStatus and GetPipelineDefinition', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(someId(known), { minLength: 1, maxLength: 3 }),
          fc.boolean(),
          fc.constantFrom('PAUSE', 'RESUME', 'TRY_CANCEL', 'RERUN', 'MARK_FINISHED', 'x'),
          fc.string({ maxLength: 8 }),
          async (objectIds, evaluateExpressions, status, version) => {
            await never500('DescribeObjects', { pipelineId, objectIds, evaluateExpressions });
            await never500('GetPipelineDefinition', { pipelineId, version });
            await never500('SetStatus', { pipelineId, objectIds, status });
          },
        ),
        { numRuns: 100 },
      );
    });

    it('Validate/PutPipelineDefinition with odd fields', async () => {
      const key = fc.constantFrom('type', 'command', 'dependsOn', 'parent', 'input', 'workerGroup', 'schedule', 'maximumRetries', 'retryDelay', 'attemptTimeout', 'scheduleType', 'myX', '@status', 'precondition', 'runsOn');
      const fieldArb = fc.oneof(
        fc.record({ key, stringValue: fc.oneof(exprText.filter((s) => s.length > 0), fc.constantFrom('ShellCommandActivity', 'S3DataNode', 'ondemand', 'cron', '1 minutes', '-3', 'x')) }),
        fc.record({ key, refValue: fc.constantFrom('A', 'B', 'Default', 'Nope', 'P') }),
      );
      const obj = fc.record({ id: fc.constantFrom('A', 'B', 'Default', 'P', 'Q'), name: fc.constantFrom('n'), fields: fc.array(fieldArb, { maxLength: 6 }) });
      const c = server.client();
      const target = await createAndActivate(c, [ondemandDefault('fuzz-put'), shell('A')]);
      await fc.assert(
        fc.asyncProperty(fc.array(obj, { maxLength: 5 }), async (pipelineObjects) => {
          await never500('ValidatePipelineDefinition', { pipelineId: target, pipelineObjects });
          const put = await never500('PutPipelineDefinition', { pipelineId: target, pipelineObjects });
          if (put.status === 200 && put.json.errored === false) await never500('ActivatePipeline', { pipelineId: target });
        }),
        { numRuns: 150 },
      );
      // The pipeline still answers sensibly afterwards.
      const d = await never500('DescribePipelines', { pipelineIds: [target] });
      assert.equal(d.status, 200);
    });
  });
}
