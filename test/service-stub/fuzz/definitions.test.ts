/**
 * Property: random pipeline definitions (real types and fields, refs to present and missing ids, parent cycles,
 * good and broken expressions, parameters) never make Validate, Put or Activate answer a 5xx; Validate and Put
 * agree; and whatever activates can be scheduled, described with expressions evaluated, and handed out as a task.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { FUZZ_SEED } from './arbitraries.js';
import { definition, FUZZ_WORKER_GROUP } from './definition-arbitraries.js';
import type { WireResponse } from './wire.js';
import { assertAlive, assertWellFormed, signedCall } from './wire.js';

const RUNS = 400;

describe('fuzz: random pipeline definitions', function () {
  this.timeout(90_000);
  let server: TestServer;
  let n = 0;
  const stats = { rejected: 0, validateOk: 0, errored: 0, activated: 0, tasks: 0 };

  before(async () => {
    // One pipeline per case; a held poll would only slow the run down.
    server = await startTestServer('pglite', { pollWaitMs: 1, limits: { maxPipelines: 100_000 } });
  });
  after(async () => server?.close());

  async function call(op: string, input: unknown): Promise<WireResponse> {
    const body = JSON.stringify(input);
    const res = await signedCall(server.url, `DataPipeline.${op}`, body);
    assertWellFormed(res, `${op} ${body.slice(0, 2000)}`);
    return res;
  }
  const out = <T>(r: WireResponse) => JSON.parse(r.body) as T;

  it(`Validate, Put and Activate never fail with a 5xx (${RUNS} definitions)`, async () => {
    await fc.assert(
      fc.asyncProperty(definition, fc.array(fc.constantFrom('FINISHED', 'FAILED', 'FALSE'), { maxLength: 4 }), async (def, reports) => {
        const created = await call('CreatePipeline', { name: 'fuzz-def', uniqueId: `fuzz-def-${n++}` });
        assert.equal(created.status, 200);
        const { pipelineId } = out<{ pipelineId: string }>(created);
        const input = { pipelineId, ...def };

        const validated = await call('ValidatePipelineDefinition', input);
        const put = await call('PutPipelineDefinition', input);
        // Same checks behind both: a hard reject is a 400 from each, otherwise the same verdict.
        assert.equal(put.status, validated.status, `Validate ${validated.body.slice(0, 500)} / Put ${put.body.slice(0, 500)}`);
        if (put.status !== 200) return void stats.rejected++;
        stats.validateOk++;
        const verdict = out<{ errored: boolean; validationErrors: unknown[] }>(put);
        assert.deepEqual(verdict, out(validated));
        if (verdict.errored) {
          stats.errored++;
          assert.equal((await call('ActivatePipeline', { pipelineId })).status, 400, 'activated a definition with errors');
          return;
        }

        const activated = await call('ActivatePipeline', { pipelineId, parameterValues: def.parameterValues });
        if (activated.status !== 200) return;
        stats.activated++;
        // Time-based transitions over whatever was planned: must not throw.
        server.clock.advance(60_000);
        await server.tick();
        const { ids } = out<{ ids: string[] }>(await call('QueryObjects', { pipelineId, sphere: 'INSTANCE' }));
        if (ids.length) await call('DescribeObjects', { pipelineId, objectIds: ids, evaluateExpressions: true });
        await call('DescribeObjects', { pipelineId, objectIds: def.pipelineObjects.map((o) => o.id), evaluateExpressions: true });
        // Hand out and settle tasks (any pipeline's): each task's object graph is built and its expressions
        // evaluated, and each report moves dependents, preconditions and retries along.
        for (const taskStatus of reports) {
          const polled = out<{ taskObject?: { taskId: string } }>(await call('PollForTask', { workerGroup: FUZZ_WORKER_GROUP, hostname: 'fuzz' }));
          if (!polled.taskObject) break;
          stats.tasks++;
          await call('SetTaskStatus', { taskId: polled.taskObject.taskId, taskStatus, errorMessage: 'fuzz' });
        }
        assert.equal((await call('GetPipelineDefinition', { pipelineId, version: 'active' })).status, 200);
      }),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
    await assertAlive(server.url);
    // The generator must keep reaching the deep paths, or the property proves little.
    assert.ok(stats.activated >= RUNS / 10, `too few definitions activated: ${JSON.stringify(stats)}`);
    assert.ok(stats.errored >= RUNS / 10, `too few definitions with errors: ${JSON.stringify(stats)}`);
    assert.ok(stats.rejected >= RUNS / 50, `too few hard rejects: ${JSON.stringify(stats)}`);
    assert.ok(stats.tasks >= RUNS / 10, `too few tasks handed out: ${JSON.stringify(stats)}`);
  });
});
