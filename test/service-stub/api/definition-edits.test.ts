/**
 * Editing a definition after activation (scheduler.md 1.4) through the SDK: what a scheduled pipeline refuses, what
 * stays allowed, that the refusal survives deactivation, and that on-demand pipelines only get warnings.
 */
import assert from 'node:assert/strict';
import {
  ActivatePipelineCommand,
  DeactivatePipelineCommand,
  GetPipelineDefinitionCommand,
  PutPipelineDefinitionCommand,
  ValidatePipelineDefinitionCommand,
} from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient, PutPipelineDefinitionCommandOutput } from '@aws-sdk/client-data-pipeline';
import { startTestServer, toPipelineObjects } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { type CliObject, createPipeline, expectError, finish, ondemandDefault, pipelineField, pollFor, shell, uniq } from './helpers.js';

type Out = Pick<PutPipelineDefinitionCommandOutput, 'errored' | 'validationErrors' | 'validationWarnings'>;
const errorsOf = (o: Out, id: string): string[] => o.validationErrors?.find((e) => e.id === id)?.errors ?? [];
const warningsOf = (o: Out, id: string): string[] => o.validationWarnings?.find((e) => e.id === id)?.warnings ?? [];
const editWarnings = (o: Out): string[] => (o.validationWarnings ?? []).flatMap((w) => (w.warnings ?? []).filter((m) => m.startsWith('EDIT_AFTER_ACTIVATION')));
const has = (list: string[], ...parts: string[]): boolean => list.some((m) => parts.every((p) => m.includes(p)));

/** A daily cron pipeline: In -> Copy -> Out, Report after Copy. */
function base(): CliObject[] {
  return [
    { id: 'Default', scheduleType: 'cron', schedule: { ref: 'Daily' }, workerGroup: 'wg' },
    { id: 'Daily', type: 'Schedule', period: '1 day', startDateTime: '2030-01-01T00:00:00' },
    { id: 'In', type: 'S3DataNode', directoryPath: 's3://b/in' },
    { id: 'Out', type: 'S3DataNode', directoryPath: 's3://b/out' },
    shell('Copy', { input: { ref: 'In' }, output: { ref: 'Out' } }),
    shell('Report', { dependsOn: { ref: 'Copy' } }),
  ];
}

/** base() with `patch` merged into objects by id (an undefined value deletes the field) and `extra` appended. */
function edited(patch: Record<string, CliObject>, extra: CliObject[] = [], drop: string[] = []): CliObject[] {
  const objects = base()
    .filter((o) => !drop.includes(o.id as string))
    .map((o) => {
      const p = patch[o.id as string];
      if (!p) return o;
      const m: CliObject = { ...o, ...p };
      for (const k of Object.keys(p)) if (p[k] === undefined) delete m[k];
      return m;
    });
  return [...objects, ...extra];
}

describe('API editing a definition after activation (pglite)', () => {
  let server: TestServer;
  let c: DataPipelineClient;
  before(async () => {
    server = await startTestServer('pglite');
    c = server.client();
  });
  after(async () => server?.close());

  const put = (pipelineId: string, objects: CliObject[]): Promise<Out> =>
    c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: toPipelineObjects(objects) }));
  const validate = (pipelineId: string, objects: CliObject[]): Promise<Out> =>
    c.send(new ValidatePipelineDefinitionCommand({ pipelineId, pipelineObjects: toPipelineObjects(objects) }));

  /**
   * A scheduled pipeline put and activated. ActivatePipeline refuses cron/timeseries until the scheduler runs them,
   * so the test sets what it will set: the pipeline SCHEDULED with the latest definition active.
   */
  async function activeScheduled(): Promise<string> {
    const pipelineId = await createPipeline(c);
    const out = await put(pipelineId, base());
    assert.equal(out.errored, false, JSON.stringify(out.validationErrors));
    await server.services.db.query(`UPDATE pipelines SET state = 'SCHEDULED', active_def = latest_def WHERE pipeline_id = $1`, [pipelineId]);
    return pipelineId;
  }

  it('a pipeline never activated may change freely', async () => {
    const pipelineId = await createPipeline(c);
    await put(pipelineId, base());
    const out = await put(pipelineId, edited({ Daily: { period: '1 hour' }, Report: { dependsOn: undefined }, Copy: { input: undefined } }, [], ['In']));
    assert.equal(out.errored, false, JSON.stringify(out.validationErrors));
  });

  it('allowed after activation: non-reference fields, new objects referring to existing ones, the same period spelled differently', async () => {
    const pipelineId = await activeScheduled();
    const same = await put(pipelineId, base());
    assert.equal(same.errored, false);
    assert.deepEqual(editWarnings(same), []);
    const out = await put(
      pipelineId,
      edited({ Copy: { command: 'echo v2' }, Daily: { period: '24 hours' }, Out: { directoryPath: 's3://b/out2' } }, [
        shell('Archive', { input: { ref: 'Out' }, output: { ref: 'Archived' }, dependsOn: { ref: 'Report' } }),
        { id: 'Archived', type: 'S3DataNode', directoryPath: 's3://b/archive' },
      ]),
    );
    assert.equal(out.errored, false, JSON.stringify(out.validationErrors));
    assert.deepEqual(editWarnings(out), []);
  });

  it('removing an object is an error on that object', async () => {
    const pipelineId = await activeScheduled();
    const out = await put(pipelineId, edited({}, [], ['Report']));
    assert.equal(out.errored, true);
    assert.ok(has(errorsOf(out, 'Report'), 'EDIT_AFTER_ACTIVATION:', "object 'Report' was removed"), JSON.stringify(out.validationErrors));
  });

  it('adding, deleting or modifying a reference field of an existing object', async () => {
    const pipelineId = await activeScheduled();
    const added = await validate(pipelineId, edited({ Copy: { precondition: { ref: 'Ready' } } }, [{ id: 'Ready', type: 'S3KeyExists', s3Key: 's3://b/in/_SUCCESS', role: 'R' }]));
    assert.ok(has(errorsOf(added, 'Copy'), "'precondition' value 'Ready' adds a reference field"), JSON.stringify(added.validationErrors));
    assert.deepEqual(errorsOf(added, 'Ready'), [], 'the new object itself is fine');
    const deleted = await validate(pipelineId, edited({ Report: { dependsOn: undefined } }));
    assert.ok(has(errorsOf(deleted, 'Report'), "'dependsOn' value 'Copy' was removed"));
    const changed = await validate(pipelineId, edited({ Copy: { input: { ref: 'In2' } } }, [{ id: 'In2', type: 'S3DataNode', directoryPath: 's3://b/in2' }]));
    assert.ok(has(errorsOf(changed, 'Copy'), "'input' value changed from 'In' to 'In2'"));
    const onDefault = await validate(pipelineId, edited({ Default: { schedule: { ref: 'Hourly' } } }, [{ id: 'Hourly', type: 'Schedule', period: '1 hour', startDateTime: '2030-01-01T00:00:00' }]));
    assert.ok(has(errorsOf(onDefault, 'Default'), "'schedule' value changed from 'Daily' to 'Hourly'"));
    // a string value where a reference was is the reference deleted
    const toString = await validate(pipelineId, edited({ Report: { dependsOn: 'Copy' } }));
    assert.ok(has(errorsOf(toString, 'Report'), "'dependsOn' value 'Copy' was removed"));
  });

  it("a new object's output may not be an existing object", async () => {
    const pipelineId = await activeScheduled();
    const out = await validate(pipelineId, edited({}, [shell('Again', { input: { ref: 'In' }, output: { ref: 'Out' } })]));
    assert.ok(has(errorsOf(out, 'Again'), "'output' value 'Out' existed when the pipeline was activated"), JSON.stringify(out.validationErrors));
    assert.ok(!has(errorsOf(out, 'Again'), "'input'"), 'reading an existing data node is allowed');
  });

  it("changing a Schedule's period or its start", async () => {
    const pipelineId = await activeScheduled();
    const period = await validate(pipelineId, edited({ Daily: { period: '2 days' } }));
    assert.ok(has(errorsOf(period, 'Daily'), "'period' value changed from '1 day' to '2 days'", 'schedule period'), JSON.stringify(period.validationErrors));
    const start = await validate(pipelineId, edited({ Daily: { startDateTime: '2030-01-02T00:00:00' } }));
    assert.ok(has(errorsOf(start, 'Daily'), "'startDateTime' value changed from '2030-01-01T00:00:00' to '2030-01-02T00:00:00'", 'startTimestamp'));
    const startAt = await validate(pipelineId, edited({ Daily: { startDateTime: undefined, startAt: 'FIRST_ACTIVATION_DATE_TIME' } }));
    assert.ok(has(errorsOf(startAt, 'Daily'), "'startDateTime' value changed from '2030-01-01T00:00:00' to (none)"));
    assert.ok(has(errorsOf(startAt, 'Daily'), "'startAt' value changed from (none) to 'FIRST_ACTIVATION_DATE_TIME'"));
  });

  it('the errored definition is stored (not activatable), Validate stores nothing', async () => {
    const pipelineId = await activeScheduled();
    const objects = edited({ Daily: { period: '1 hour' } });
    const v = await validate(pipelineId, objects);
    assert.equal(v.errored, true);
    assert.deepEqual((await c.send(new GetPipelineDefinitionCommand({ pipelineId }))).pipelineObjects, toPipelineObjects(base()), 'validate stored nothing');
    const p = await put(pipelineId, objects);
    assert.equal(p.errored, true);
    assert.deepEqual((await c.send(new GetPipelineDefinitionCommand({ pipelineId }))).pipelineObjects, toPipelineObjects(objects), 'stored as AWS does');
    assert.deepEqual((await c.send(new GetPipelineDefinitionCommand({ pipelineId, version: 'active' }))).pipelineObjects, toPipelineObjects(base()));
    const err = await expectError(c.send(new ActivatePipelineCommand({ pipelineId })), 'InvalidRequestException');
    assert.match(err.message, /Daily: EDIT_AFTER_ACTIVATION: {2}'period' value changed/);
    // putting the activated shape back makes it clean again
    assert.equal((await put(pipelineId, base())).errored, false);
  });

  it('the rules outlive a deactivation', async () => {
    const pipelineId = await activeScheduled();
    await c.send(new DeactivatePipelineCommand({ pipelineId }));
    assert.equal(await pipelineField(c, pipelineId, '@pipelineState'), 'INACTIVE');
    const out = await put(pipelineId, edited({}, [], ['Report']));
    assert.ok(has(errorsOf(out, 'Report'), "object 'Report' was removed"));
  });

  it('on-demand pipelines: the same findings are warnings and the next run uses the new definition', async () => {
    const wg = uniq('wg');
    const pipelineId = await createPipeline(c);
    assert.equal((await put(pipelineId, [ondemandDefault(wg), shell('A'), shell('B', { dependsOn: { ref: 'A' } })])).errored, false);
    await c.send(new ActivatePipelineCommand({ pipelineId }));
    const t1 = await pollFor(c, wg, 'A');
    const out = await put(pipelineId, [ondemandDefault(wg), shell('A'), shell('C', { dependsOn: { ref: 'A' } })]);
    assert.equal(out.errored, false, JSON.stringify(out.validationErrors));
    assert.ok(has(warningsOf(out, 'B'), 'EDIT_AFTER_ACTIVATION:', "object 'B' was removed", 'on-demand run keeps the definition'), JSON.stringify(out.validationWarnings));
    // the running run keeps its definition: B still follows A
    await finish(c, t1.taskId);
    await finish(c, (await pollFor(c, wg, 'B')).taskId);
    await c.send(new ActivatePipelineCommand({ pipelineId }));
    await finish(c, (await pollFor(c, wg, 'A')).taskId);
    const next = await pollFor(c, wg, 'C');
    await finish(c, next.taskId);
  });
});
