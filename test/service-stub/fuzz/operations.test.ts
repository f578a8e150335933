/**
 * Property: whatever a correctly signed client sends to any of the 19 operations, the server answers 200 or a 4xx with
 * the AWS JSON error shape, never a 5xx, and still serves the next request. Bodies come from each operation's own input
 * schema (so they reach the handlers), with wrong types, huge and malformed strings and deep nesting mixed in.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  PollForTaskCommand,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
} from '@aws-sdk/client-data-pipeline';
import { OPERATION_REGISTRY } from '../../../service-stub/api/registry.js';
import { OPERATIONS } from '../../../protocol/shapes.js';
import { startTestServer, toPipelineObjects } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import type { Pools } from './arbitraries.js';
import { bodyFor, FUZZ_SEED } from './arbitraries.js';
import { EXPRESSIONS } from './definition-arbitraries.js';
import { assertAlive, assertWellFormed, signedCall } from './wire.js';

/** 19 operations x 22 runs: a little over 400 requests, each followed by a liveness check. */
const RUNS_PER_OPERATION = 22;

describe('fuzz: hostile bodies for every operation', function () {
  this.timeout(60_000);
  let server: TestServer;
  let pools: Pools;
  let victimPools: Pools;

  before(async () => {
    server = await startTestServer('pglite');
    const c = server.client();
    // Real things to point at, so fuzzed calls get past "not found" into the handlers.
    const { pipelineId: active } = await c.send(new CreatePipelineCommand({ name: 'fuzz-active', uniqueId: 'fuzz-active' }));
    const { pipelineId: empty } = await c.send(new CreatePipelineCommand({ name: 'fuzz-empty', uniqueId: 'fuzz-empty' }));
    // DeletePipeline and DeactivatePipeline get pipelines of their own, so the others keep something to work on.
    const victims: string[] = [];
    for (let i = 0; i < 5; i++) {
      victims.push((await c.send(new CreatePipelineCommand({ name: `fuzz-victim-${i}`, uniqueId: `fuzz-victim-${i}` }))).pipelineId!);
    }
    // Ten independent activities: ten tasks out at once, so SetTaskStatus and ReportTaskProgress reach live attempts.
    const activities = Array.from({ length: 10 }, (_, i) => ({ id: `A${i}`, type: 'ShellCommandActivity', command: `echo ${i} #{format(@scheduledStartTime,'YYYY')}` }));
    await c.send(
      new PutPipelineDefinitionCommand({
        pipelineId: active,
        pipelineObjects: toPipelineObjects([
          { id: 'Default', scheduleType: 'ondemand', workerGroup: 'wg-fuzz' },
          ...activities,
          { id: 'B', type: 'ShellCommandActivity', command: 'echo b', dependsOn: { ref: 'A0' } },
        ]),
      }),
    );
    await c.send(new ActivatePipelineCommand({ pipelineId: active }));
    const tasks: { taskId: string; attemptId: string }[] = [];
    for (let i = 0; i < activities.length; i++) {
      const { taskObject } = await c.send(new PollForTaskCommand({ workerGroup: 'wg-fuzz', hostname: 'fuzz' }));
      assert.ok(taskObject?.taskId && taskObject.attemptId, 'setup: too few tasks for wg-fuzz');
      tasks.push({ taskId: taskObject.taskId, attemptId: taskObject.attemptId });
    }
    const { ids = [] } = await c.send(new QueryObjectsCommand({ pipelineId: active!, sphere: 'INSTANCE' }));
    const objectIds = ['A0', 'A1', 'B', 'Default', 'Missing', ...tasks.map((t) => t.attemptId), ...ids];
    victimPools = { pipelineId: [...victims, 'df-MISSING00000000000'] };
    pools = {
      pipelineId: [active!, empty!, 'df-MISSING00000000000'],
      pipelineIds: [active!, empty!, 'df-MISSING00000000000'],
      taskId: tasks.map((t) => t.taskId),
      taskrunnerId: ['runner-1'],
      workerGroup: ['wg-fuzz', 'wg-none'],
      objectId: objectIds,
      objectIds,
      sphere: ['COMPONENT', 'INSTANCE', 'ATTEMPT', 'instance'],
      status: ['PAUSE', 'RESUME', 'TRY_CANCEL', 'RERUN', 'MARK_FINISHED', 'rerun'],
      taskStatus: ['FINISHED', 'FAILED', 'FALSE'],
      version: ['active', 'latest'],
      fieldName: ['@status', 'name', '@scheduledStartTime', 'parent', '@componentParent', '__proto__', 'toString'],
      type: ['EQ', 'REF_EQ', 'LE', 'GE', 'BETWEEN', 'ShellCommandActivity'],
      key: ['type', 'command', 'dependsOn', 'scheduleType', 'workerGroup', 'parent', '@status', 'errorId'],
      refValue: ['A0', 'B', 'Default', 'Missing'],
      expression: [...EXPRESSIONS, '#{1 +}', '#{@scheduledStartTime}', 'plain text'],
      marker: ['', 'eyJ4IjoxfQ', 'bnVsbA', 'WzFd'],
    };
  });
  after(async () => server?.close());

  // Bodies the fuzzer once found, kept so they are tried on every run whatever the seed.
  it('regressions: NUL and lone surrogates in unpatterned members, prototype names as query fields', async () => {
    const [pipelineId] = pools.pipelineId;
    const cases: [string, unknown][] = [
      ['CreatePipeline', { name: 'n', uniqueId: 'u-nul', tags: [{ key: 'k', value: '\u0000' }] }],
      ['AddTags', { pipelineId, tags: [{ key: '\uD800', value: 'v' }] }],
      ['SetTaskStatus', { taskId: pools.taskId[1], taskStatus: 'FAILED', errorMessage: 'exit 1\u0000\uDC00' }],
      ['QueryObjects', { pipelineId, sphere: 'INSTANCE', query: { selectors: [{ fieldName: 'toString', operator: { type: 'EQ', values: ['x'] } }] } }],
    ];
    for (const [name, input] of cases) {
      const body = JSON.stringify(input);
      assertWellFormed(await signedCall(server.url, `DataPipeline.${name}`, body), `${name} ${body}`);
    }
    await assertAlive(server.url);
  });

  for (const [i, name] of OPERATIONS.entries()) {
    it(`${name}: 200 or a JSON 4xx, and the server keeps answering`, async () => {
      const op = OPERATION_REGISTRY.get(name);
      assert.ok(op, `${name} is not registered`);
      const destructive = name === 'DeletePipeline' || name === 'DeactivatePipeline';
      await fc.assert(
        fc.asyncProperty(bodyFor(op.input, destructive ? { ...pools, ...victimPools } : pools), async (body) => {
          const res = await signedCall(server.url, `DataPipeline.${name}`, body);
          assertWellFormed(res, `${name} ${body.slice(0, 300)}`);
          await assertAlive(server.url);
        }),
        { numRuns: RUNS_PER_OPERATION, seed: FUZZ_SEED + i },
      );
    });
  }
});
