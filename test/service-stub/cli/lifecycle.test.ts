/**
 * The official AWS CLI v2 drives a whole pipeline lifecycle against the real server: the CLI's own translator,
 * signer, paginators, list-runs formatter and error parser, none of which the SDK tests exercise.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { fromDefinitionFile } from '../../../protocol/definition-file.js';
import { startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import type { DefinitionFile } from './aws-cli.js';
import { datapipelineJson, requireAwsCliV2, runDatapipeline } from './aws-cli.js';

const COMPONENTS = ['WriteGreeting', 'GreetingWritten', 'ReadGreeting', 'StampDate', 'Cleanup'];
const EXAMPLE = fileURLToPath(new URL('../../../examples/ondemand-shell.json', import.meta.url));

interface TaskOut {
  taskObject?: { taskId: string; pipelineId: string; attemptId: string; objects: Record<string, { fields: { key: string; stringValue?: string }[] }> };
}
interface RunRow {
  '@id': string;
  '@status': string;
  '@componentParent': string;
  [k: string]: string;
}

describe('aws datapipeline (CLI v2) lifecycle', function () {
  this.timeout(120_000);
  let server: TestServer;
  let pipelineId: string;
  let failedAttempt: string;
  let instanceOf = new Map<string, string>();
  const json = <T>(...args: string[]) => datapipelineJson<T>(server.url, args);

  before(async () => {
    await requireAwsCliV2();
    server = await startTestServer('pglite');
  });
  after(async () => server?.close());

  /** Polls wg-local until a task comes (each empty poll is held only 200 ms by the test server). */
  async function poll(): Promise<NonNullable<TaskOut['taskObject']>> {
    for (let i = 0; i < 5; i++) {
      const out = await json<TaskOut>('poll-for-task', '--worker-group', 'wg-local', '--hostname', 'cli-host', '--cli-read-timeout', '100');
      if (out.taskObject) {
        // The id must survive the CLI's own argument parser as `--task-id <id>` (a leading '-' would not).
        assert.match(out.taskObject.taskId, /^[A-Za-z0-9]/);
        return out.taskObject;
      }
    }
    throw new Error('no task for wg-local after 5 polls');
  }

  /** The component an attempt id like `@ReadGreeting_2026-11-23T18:00:00_Attempt=1` belongs to. */
  const componentOf = (attemptId: string) => attemptId.slice(1, attemptId.indexOf('_'));

  async function finish(expected: string): Promise<void> {
    const t = await poll();
    assert.equal(componentOf(t.attemptId), expected, `expected a task of ${expected}, got ${t.attemptId}`);
    const r = await runDatapipeline(server.url, ['set-task-status', '--task-id', t.taskId, '--task-status', 'FINISHED']);
    assert.equal(r.code, 0, r.stderr);
  }

  it('creates, defines, validates and activates a pipeline from examples/ondemand-shell.json', async () => {
    const uniqueId = randomUUID();
    const created = await json<{ pipelineId: string }>('create-pipeline', '--name', 'cli-lifecycle', '--unique-id', uniqueId,
      '--tags', 'key=team,value=data', 'key=env,value=test');
    assert.match(created.pipelineId, /^df-[0-9A-Z]{20}$/);
    pipelineId = created.pipelineId;

    const put = await json<{ errored: boolean; validationErrors: unknown[] }>('put-pipeline-definition', '--pipeline-id', pipelineId,
      '--pipeline-definition', `file://${EXAMPLE}`);
    assert.equal(put.errored, false, JSON.stringify(put.validationErrors));

    // Round trip through the CLI's reverse translation: refs as {"ref"}, repeated keys as lists again.
    const file = JSON.parse(await readFile(EXAMPLE, 'utf8')) as DefinitionFile;
    const got = await json<DefinitionFile>('get-pipeline-definition', '--pipeline-id', pipelineId);
    const byId = new Map(got.objects.map((o) => [o.id as string, o]));
    assert.deepEqual([...byId.keys()].sort(), file.objects.map((o) => o.id as string).sort());
    for (const o of file.objects) assert.deepEqual(byId.get(o.id as string), { name: o.id, ...o }, `object ${String(o.id)}`);
    assert.deepEqual(byId.get('Cleanup')?.dependsOn, [{ ref: 'StampDate' }, { ref: 'ReadGreeting' }]);
    assert.deepEqual(got.parameters, file.parameters);

    // validate-pipeline-definition takes API shapes; --cli-input-json carries the translated body.
    const body = { pipelineId, ...fromDefinitionFile(file) };
    const valid = await json<{ errored: boolean }>('validate-pipeline-definition', '--cli-input-json', JSON.stringify(body));
    assert.equal(valid.errored, false);
    const broken = { pipelineId, pipelineObjects: [...body.pipelineObjects, { id: 'Bad', name: 'Bad', fields: [{ key: 'dependsOn', refValue: 'Nowhere' }] }] };
    const invalid = await json<{ errored: boolean; validationErrors: { id: string; errors: string[] }[] }>(
      'validate-pipeline-definition', '--cli-input-json', JSON.stringify(broken));
    assert.equal(invalid.errored, true);
    assert.ok(invalid.validationErrors.some((e) => e.id === 'Bad'), JSON.stringify(invalid.validationErrors));

    assert.deepEqual(await json('activate-pipeline', '--pipeline-id', pipelineId), {});
    const desc = await json<{ pipelineDescriptionList: { pipelineId: string; fields: { key: string; stringValue?: string }[] }[] }>(
      'describe-pipelines', '--pipeline-ids', pipelineId);
    const state = desc.pipelineDescriptionList[0].fields.find((f) => f.key === '@pipelineState')?.stringValue;
    assert.equal(state, 'SCHEDULED');
  });

  it('hands out tasks in dependency order and takes progress, success and failure reports', async () => {
    const first = await poll();
    assert.equal(componentOf(first.attemptId), 'WriteGreeting');
    assert.equal(first.pipelineId, pipelineId);
    // The parameter's default and the format() expression are both resolved in the command the runner gets.
    const command = first.objects[first.attemptId].fields.find((f) => f.key === 'command')?.stringValue ?? '';
    const day = new Date(server.clock.now()).toISOString().slice(0, 10);
    assert.ok(command.includes(`echo "Hello from datapipe (scheduled for ${day})"`), command);
    const progress = await json<{ canceled: boolean }>('report-task-progress', '--task-id', first.taskId);
    assert.equal(progress.canceled, false);
    assert.equal((await runDatapipeline(server.url, ['set-task-status', '--task-id', first.taskId, '--task-status', 'FINISHED'])).code, 0);

    await finish('GreetingWritten'); // the precondition guarding ReadGreeting runs on the worker group too
    await finish('ReadGreeting');

    const failing = await poll();
    assert.equal(componentOf(failing.attemptId), 'StampDate');
    failedAttempt = failing.attemptId;
    const failed = await runDatapipeline(server.url, ['set-task-status', '--task-id', failing.taskId, '--task-status', 'FAILED',
      '--error-id', 'ShellExit1', '--error-message', 'date: invalid option', '--error-stack-trace', 'line 1']);
    assert.equal(failed.code, 0, failed.stderr);

    // maximumRetries defaults to 2: a new attempt comes after retryDelay (10 minutes on the server's clock).
    server.clock.advance(10 * 60_000 + 1000);
    await server.tick();
    const retry = await poll();
    assert.match(retry.attemptId, /^@StampDate_.*_Attempt=2$/);
    assert.equal((await runDatapipeline(server.url, ['set-task-status', '--task-id', retry.taskId, '--task-status', 'FINISHED'])).code, 0);
    await finish('Cleanup');
  });

  it('lists runs as a table and as JSON, and describes and queries instances', async () => {
    // The default output is list-runs' own fixed-width table (it indexes @componentParent directly).
    const table = await runDatapipeline(server.url, ['list-runs', '--pipeline-id', pipelineId], { output: 'default' });
    assert.equal(table.code, 0, table.stderr);
    for (const c of COMPONENTS) assert.match(table.stdout, new RegExp(`^\\s+\\d+\\.\\s+${c}\\s+\\S+\\s+FINISHED\\s*$`, 'm'), table.stdout);

    const rows = await json<RunRow[]>('list-runs', '--pipeline-id', pipelineId);
    assert.deepEqual(rows.map((r) => r['@componentParent']).sort(), [...COMPONENTS].sort());
    for (const r of rows) assert.equal(r['@status'], 'FINISHED', JSON.stringify(r));
    const finished = await json<RunRow[]>('list-runs', '--pipeline-id', pipelineId, '--status', 'finished');
    assert.equal(finished.length, COMPONENTS.length);
    instanceOf = new Map(rows.map((r) => [r['@componentParent'], r['@id']]));

    const q = await json<{ ids: string[] }>('query-objects', '--pipeline-id', pipelineId, '--sphere', 'INSTANCE');
    assert.deepEqual([...q.ids].sort(), [...instanceOf.values()].sort());

    const d = await json<{ pipelineObjects: { id: string; fields: { key: string; stringValue?: string; refValue?: string }[] }[] }>(
      'describe-objects', '--pipeline-id', pipelineId, '--object-ids', instanceOf.get('StampDate') as string, failedAttempt);
    const attempt = d.pipelineObjects.find((o) => o.id === failedAttempt);
    const field = (k: string) => attempt?.fields.find((f) => f.key === k)?.stringValue;
    assert.equal(field('@status'), 'FAILED');
    assert.equal(field('errorId'), 'ShellExit1');
    assert.equal(field('errorMessage'), 'date: invalid option');
  });

  it('reruns an instance with set-status', async () => {
    const cleanup = instanceOf.get('Cleanup') as string;
    const r = await runDatapipeline(server.url, ['set-status', '--pipeline-id', pipelineId, '--object-ids', cleanup, '--status', 'rerun']);
    assert.equal(r.code, 0, r.stderr);
    const t = await poll();
    assert.match(t.attemptId, /^@Cleanup_.*_Attempt=2$/);
    assert.equal((await runDatapipeline(server.url, ['set-task-status', '--task-id', t.taskId, '--task-status', 'FINISHED'])).code, 0);
  });

  it('tags, deactivates and deletes; errors come back as the CLI expects', async () => {
    assert.deepEqual(await json('add-tags', '--pipeline-id', pipelineId, '--tags', 'key=owner,value=cli'), {});
    assert.deepEqual(await json('remove-tags', '--pipeline-id', pipelineId, '--tag-keys', 'team'), {});
    const desc = await json<{ pipelineDescriptionList: { name: string; tags: { key: string; value: string }[] }[] }>(
      'describe-pipelines', '--pipeline-ids', pipelineId);
    assert.equal(desc.pipelineDescriptionList[0].name, 'cli-lifecycle');
    const tags = desc.pipelineDescriptionList[0].tags.map((t) => `${t.key}=${t.value}`).sort();
    assert.deepEqual(tags, ['env=test', 'owner=cli']);

    assert.deepEqual(await json('deactivate-pipeline', '--pipeline-id', pipelineId), {});
    const del = await runDatapipeline(server.url, ['delete-pipeline', '--pipeline-id', pipelineId]);
    assert.equal(del.code, 0, del.stderr);
    assert.equal(del.stdout.trim(), '');

    const missing = await runDatapipeline(server.url, ['describe-pipelines', '--pipeline-ids', 'df-MISSING00000000000']);
    assert.equal(missing.code, 254, missing.stderr);
    assert.match(missing.stderr, /An error occurred \(PipelineNotFoundException\) when calling the DescribePipelines operation/);
  });
});
