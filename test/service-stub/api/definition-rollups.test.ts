/** The roll-up limit (scheduler.md 2.5, 11) through PutPipelineDefinition / ValidatePipelineDefinition. */
import assert from 'node:assert/strict';
import { GetPipelineDefinitionCommand, PutPipelineDefinitionCommand, ValidatePipelineDefinitionCommand } from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { startTestServer, toPipelineObjects } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { type CliObject, createPipeline, shell } from './helpers.js';

/** Logs written every `producer`, a report over them every `consumer`; `via` is how the report depends on them. */
function pipeline(producer: string, consumer: string, via: 'input' | 'dependsOn' | 'output' = 'input'): CliObject[] {
  return [
    { id: 'Default', scheduleType: 'cron', workerGroup: 'wg' },
    { id: 'Fine', type: 'Schedule', period: producer, startDateTime: '2030-01-01T00:00:00' },
    { id: 'Coarse', type: 'Schedule', period: consumer, startDateTime: '2030-01-01T00:00:00' },
    shell('Collect', { schedule: { ref: 'Fine' }, ...(via === 'output' ? { output: { ref: 'Summary' } } : {}) }),
    { id: 'Logs', type: 'S3DataNode', directoryPath: 's3://b/logs', schedule: { ref: 'Fine' } },
    { id: 'Summary', type: 'S3DataNode', directoryPath: 's3://b/summary', schedule: { ref: 'Coarse' } },
    shell('Report', { schedule: { ref: 'Coarse' }, ...(via === 'input' ? { input: { ref: 'Logs' } } : via === 'dependsOn' ? { dependsOn: { ref: 'Collect' } } : {}) }),
  ];
}

describe('API roll-up limit (pglite)', () => {
  let server: TestServer;
  let c: DataPipelineClient;
  before(async () => {
    server = await startTestServer('pglite');
    c = server.client();
  });
  after(async () => server?.close());

  it('hourly into daily (24 instances) is accepted', async () => {
    const pipelineId = await createPipeline(c);
    for (const via of ['input', 'dependsOn', 'output'] as const) {
      const out = await c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: toPipelineObjects(pipeline('1 hour', '1 day', via)) }));
      assert.equal(out.errored, false, `${via}: ${JSON.stringify(out.validationErrors)}`);
    }
  });

  it('15 minutes into daily (96 instances) is an error on the object, naming the field and both periods; stored as errored', async () => {
    const pipelineId = await createPipeline(c);
    const objects = toPipelineObjects(pipeline('15 minutes', '1 day'));
    const out = await c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: objects }));
    assert.equal(out.errored, true);
    const errs = out.validationErrors?.find((e) => e.id === 'Report')?.errors ?? [];
    assert.ok(
      errs.some((m) => m.startsWith('ROLLUP_LIMIT_EXCEEDED:') && m.includes("'input' value 'Logs'") && m.includes("period '1 day'") && m.includes("period '15 minutes'") && m.includes('96')),
      JSON.stringify(out.validationErrors),
    );
    assert.deepEqual((await c.send(new GetPipelineDefinitionCommand({ pipelineId }))).pipelineObjects, objects);
    for (const [via, at] of [['dependsOn', 'Report'], ['output', 'Collect']] as const) {
      const v = await c.send(new ValidatePipelineDefinitionCommand({ pipelineId, pipelineObjects: toPipelineObjects(pipeline('15 minutes', '1 day', via)) }));
      assert.ok(v.validationErrors?.find((e) => e.id === at)?.errors?.some((m) => m.includes(`'${via}' value`) && m.includes('96')), `${via}: ${JSON.stringify(v.validationErrors)}`);
    }
  });

  it('a week against a month does not nest: a warning, not an error', async () => {
    const pipelineId = await createPipeline(c);
    const v = await c.send(new ValidatePipelineDefinitionCommand({ pipelineId, pipelineObjects: toPipelineObjects(pipeline('1 week', '1 month')) }));
    assert.equal(v.errored, false, JSON.stringify(v.validationErrors));
    const w = v.validationWarnings?.find((x) => x.id === 'Report')?.warnings ?? [];
    assert.ok(w.some((m) => m.startsWith('NON_NESTING_PERIODS:') && m.includes("'1 week'") && m.includes("'1 month'")), JSON.stringify(v.validationWarnings));
  });
});
