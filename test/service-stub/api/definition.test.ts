/** PutPipelineDefinition, GetPipelineDefinition and ValidatePipelineDefinition through the SDK. */
import assert from 'node:assert/strict';
import {
  ActivatePipelineCommand,
  DeletePipelineCommand,
  DescribeObjectsCommand,
  GetPipelineDefinitionCommand,
  PutPipelineDefinitionCommand,
  ValidatePipelineDefinitionCommand,
} from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient, PipelineObject } from '@aws-sdk/client-data-pipeline';
import { startTestServer, toPipelineObjects } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { STORES, createPipeline, describe1, expectError, field, ondemandDefault, shell, uniq } from './helpers.js';

const GOOD = (wg: string) => toPipelineObjects([ondemandDefault(wg), shell('A')]);

for (const store of STORES) {
  describe(`API pipeline definitions (${store})`, () => {
    let server: TestServer;
    let c: DataPipelineClient;
    before(async () => {
      server = await startTestServer(store);
      c = server.client();
    });
    after(async () => server?.close());

    it('Get returns what was put: field order and repeated keys kept', async () => {
      const pipelineId = await createPipeline(c);
      // Hand-written order (not sorted) and a repeated key mixing strings and refs.
      const objects: PipelineObject[] = [
        { id: 'Default', name: 'Default', fields: [{ key: 'workerGroup', stringValue: 'wg' }, { key: 'scheduleType', stringValue: 'ondemand' }] },
        {
          id: 'A',
          name: 'My Activity',
          fields: [
            { key: 'type', stringValue: 'ShellCommandActivity' },
            { key: 'scriptArgument', stringValue: 'one' },
            { key: 'command', stringValue: 'echo $1 $2' },
            { key: 'scriptArgument', stringValue: 'two' },
            { key: 'myRefs', refValue: 'Default' },
          ],
        },
      ];
      const put = await c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: objects }));
      assert.equal(put.errored, false, JSON.stringify(put.validationErrors));
      assert.ok(Array.isArray(put.validationErrors) || put.validationErrors === undefined);
      const got = await c.send(new GetPipelineDefinitionCommand({ pipelineId }));
      assert.deepEqual(got.pipelineObjects, objects);
      const latest = await c.send(new GetPipelineDefinitionCommand({ pipelineId, version: 'latest' }));
      assert.deepEqual(latest.pipelineObjects, objects);
    });

    it('parameters and values round-trip', async () => {
      const pipelineId = await createPipeline(c);
      const parameterObjects = [{ id: 'myName', attributes: [{ key: 'type', stringValue: 'String' }, { key: 'default', stringValue: 'x' }] }];
      const parameterValues = [{ id: 'myName', stringValue: 'hello' }];
      const put = await c.send(
        new PutPipelineDefinitionCommand({
          pipelineId,
          pipelineObjects: toPipelineObjects([ondemandDefault('wg'), shell('A', { command: 'echo #{myName}' })]),
          parameterObjects,
          parameterValues,
        }),
      );
      assert.equal(put.errored, false, JSON.stringify(put.validationErrors));
      const got = await c.send(new GetPipelineDefinitionCommand({ pipelineId }));
      assert.deepEqual(got.parameterObjects, parameterObjects);
      assert.deepEqual(got.parameterValues, parameterValues);
    });

    it("version 'active' is the activated definition, 'latest' the last put", async () => {
      const pipelineId = await createPipeline(c);
      await expectError(c.send(new GetPipelineDefinitionCommand({ pipelineId, version: 'active' })), 'InvalidRequestException');
      const v1 = GOOD(uniq('wg'));
      await c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: v1 }));
      await c.send(new ActivatePipelineCommand({ pipelineId }));
      const v2 = toPipelineObjects([ondemandDefault('other'), shell('B')]);
      await c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: v2 }));
      assert.deepEqual((await c.send(new GetPipelineDefinitionCommand({ pipelineId, version: 'active' }))).pipelineObjects, v1);
      assert.deepEqual((await c.send(new GetPipelineDefinitionCommand({ pipelineId, version: 'latest' }))).pipelineObjects, v2);
      assert.deepEqual((await c.send(new GetPipelineDefinitionCommand({ pipelineId }))).pipelineObjects, v2);
      await expectError(c.send(new GetPipelineDefinitionCommand({ pipelineId, version: 'v7' })), 'InvalidRequestException');
    });

    it('components are PENDING before activation and SCHEDULED after', async () => {
      const pipelineId = await createPipeline(c);
      await c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: GOOD(uniq('wg')) }));
      const before = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: ['A', 'Default'] }));
      assert.deepEqual(before.pipelineObjects?.map((o) => field(o, '@status')), ['PENDING', 'PENDING']);
      await c.send(new ActivatePipelineCommand({ pipelineId }));
      assert.equal(field(await describe1(c, pipelineId, 'A'), '@status'), 'SCHEDULED');
    });

    it('soft errors: errored true, stored, and ActivatePipeline is refused', async () => {
      const pipelineId = await createPipeline(c);
      const bad = toPipelineObjects([ondemandDefault('wg'), { id: 'A', type: 'NoSuchType' }, shell('B', { dependsOn: { ref: 'Missing' } })]);
      const put = await c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: bad }));
      assert.equal(put.errored, true);
      const ids = (put.validationErrors ?? []).map((e) => e.id);
      assert.ok(ids.includes('A') && ids.includes('B'), JSON.stringify(put.validationErrors));
      for (const e of put.validationErrors ?? []) assert.ok((e.errors ?? []).length > 0);
      // Stored as given.
      assert.deepEqual((await c.send(new GetPipelineDefinitionCommand({ pipelineId }))).pipelineObjects, bad);
      const err = await expectError(c.send(new ActivatePipelineCommand({ pipelineId })), 'InvalidRequestException');
      assert.match(err.message, /error/i);
    });

    it('warnings do not set errored', async () => {
      const pipelineId = await createPipeline(c);
      const put = await c.send(
        new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: toPipelineObjects([ondemandDefault('wg'), shell('A', { notAField: 'x' })]) }),
      );
      assert.equal(put.errored, false);
      assert.ok((put.validationWarnings ?? []).some((w) => w.id === 'A'), JSON.stringify(put.validationWarnings));
    });

    it('hard rejects are 400 and store nothing', async () => {
      const pipelineId = await createPipeline(c);
      const good = GOOD('wg');
      await c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: good }));
      const emptyValue: PipelineObject[] = [{ id: 'A', name: 'A', fields: [{ key: 'type', stringValue: '' }] }];
      const err = await expectError(c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: emptyValue })), 'InvalidRequestException');
      assert.match(err.message, /FATAL/);
      const noName = [{ id: 'A', fields: [{ key: 'type', stringValue: 'ShellCommandActivity' }] }] as unknown as PipelineObject[];
      await expectError(c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: noName })), 'InvalidRequestException');
      const both: PipelineObject[] = [{ id: 'A', name: 'A', fields: [{ key: 'input', stringValue: 'x', refValue: 'B' }] }];
      await expectError(c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: both })), 'InvalidRequestException');
      const longValue: PipelineObject[] = [{ id: 'A', name: 'A', fields: [{ key: 'command', stringValue: 'x'.repeat(10241) }] }];
      await expectError(c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: longValue })), 'InvalidRequestException');
      const longKey: PipelineObject[] = [{ id: 'A', name: 'A', fields: [{ key: 'k'.repeat(257), stringValue: 'x' }] }];
      await expectError(c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: longKey })), 'InvalidRequestException');
      const tooMany = toPipelineObjects(Array.from({ length: 101 }, (_, i) => shell(`A${i}`)));
      await expectError(c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: tooMany })), 'InvalidRequestException');
      assert.deepEqual((await c.send(new GetPipelineDefinitionCommand({ pipelineId }))).pipelineObjects, good, 'the earlier definition is kept');
    });

    it('ValidatePipelineDefinition reports the same and stores nothing', async () => {
      const pipelineId = await createPipeline(c);
      const ok = await c.send(new ValidatePipelineDefinitionCommand({ pipelineId, pipelineObjects: GOOD('wg') }));
      assert.equal(ok.errored, false);
      const bad = await c.send(
        new ValidatePipelineDefinitionCommand({ pipelineId, pipelineObjects: toPipelineObjects([{ id: 'A', type: 'NoSuchType' }]) }),
      );
      assert.equal(bad.errored, true);
      assert.ok((bad.validationErrors ?? []).some((e) => e.id === 'A'));
      const got = await c.send(new GetPipelineDefinitionCommand({ pipelineId }));
      assert.deepEqual(got.pipelineObjects ?? [], [], 'validate stored nothing');
      await expectError(c.send(new ActivatePipelineCommand({ pipelineId })), 'InvalidRequestException');
      await expectError(
        c.send(new ValidatePipelineDefinitionCommand({ pipelineId, pipelineObjects: [{ id: 'A', name: 'A', fields: [{ key: 'type', stringValue: '' }] }] })),
        'InvalidRequestException',
      );
    });

    it('unknown and deleted pipelines', async () => {
      const missing = 'df-NOSUCHPIPELINE0000';
      await expectError(c.send(new PutPipelineDefinitionCommand({ pipelineId: missing, pipelineObjects: GOOD('wg') })), 'PipelineNotFoundException');
      await expectError(c.send(new ValidatePipelineDefinitionCommand({ pipelineId: missing, pipelineObjects: GOOD('wg') })), 'PipelineNotFoundException');
      await expectError(c.send(new GetPipelineDefinitionCommand({ pipelineId: missing })), 'PipelineNotFoundException');
      const pipelineId = await createPipeline(c);
      await c.send(new DeletePipelineCommand({ pipelineId }));
      await expectError(c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: GOOD('wg') })), 'PipelineDeletedException');
      await expectError(c.send(new ValidatePipelineDefinitionCommand({ pipelineId, pipelineObjects: GOOD('wg') })), 'PipelineDeletedException');
    });
  });
}
