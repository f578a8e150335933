/** QueryObjects (selectors, spheres, paging), DescribeObjects and EvaluateExpression through the SDK. */
import assert from 'node:assert/strict';
import { DescribeObjectsCommand, EvaluateExpressionCommand, QueryObjectsCommand, SetStatusCommand, paginateQueryObjects } from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient, Selector } from '@aws-sdk/client-data-pipeline';
import { startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { STORES, createAndActivate, createPipeline, expectError, field, finish, instanceOf, ondemandDefault, pollFor, shell, uniq } from './helpers.js';

for (const store of STORES) {
  describe(`API QueryObjects / DescribeObjects / EvaluateExpression (${store})`, () => {
    let server: TestServer;
    let c: DataPipelineClient;
    let pipelineId: string;
    let wg: string;
    /** Instance ids by component: A FINISHED, B CANCELED, C and D waiting. */
    const inst: Record<string, string> = {};
    before(async () => {
      server = await startTestServer(store);
      c = server.client();
      wg = uniq('wg');
      pipelineId = await createAndActivate(c, [
        ondemandDefault(wg, { myBucket: 's3://bucket' }),
        shell('A', { command: 'echo #{myBucket}/#{format(@scheduledStartTime,"YYYY")}' }),
        shell('B', { dependsOn: { ref: 'A' } }),
        shell('C', { dependsOn: { ref: 'A' } }),
        shell('D', { dependsOn: { ref: 'C' } }),
      ]);
      for (const id of ['A', 'B', 'C', 'D']) inst[id] = await instanceOf(c, pipelineId, id);
      await finish(c, (await pollFor(c, wg, 'A')).taskId);
      await c.send(new SetStatusCommand({ pipelineId, objectIds: [inst.B], status: 'TRY_CANCEL' }));
    });
    after(async () => server?.close());

    const query = async (sphere: string, selectors: Selector[], limit?: number) =>
      (await c.send(new QueryObjectsCommand({ pipelineId, sphere, query: { selectors }, limit }))).ids ?? [];
    const eq = (fieldName: string, values: string[], type = 'EQ'): Selector => ({ fieldName, operator: { type: type as 'EQ', values } });

    it('INSTANCE: EQ on @status with several values, and the CANCELLED alias', async () => {
      assert.deepEqual((await query('INSTANCE', [])).sort(), Object.values(inst).sort());
      assert.deepEqual(await query('INSTANCE', [eq('@status', ['FINISHED'])]), [inst.A]);
      assert.deepEqual((await query('INSTANCE', [eq('@status', ['FINISHED', 'CANCELED'])])).sort(), [inst.A, inst.B].sort());
      assert.deepEqual(await query('INSTANCE', [eq('@status', ['CANCELLED'])]), [inst.B]);
      assert.deepEqual(await query('INSTANCE', [eq('@status', ['cancelled'])]), [inst.B]);
      const waiting = await query('INSTANCE', [eq('@status', ['WAITING'])]);
      assert.deepEqual(waiting.sort(), [inst.C, inst.D].sort());
    });

    it('REF_EQ on @componentParent, AND of selectors, BETWEEN on @scheduledStartTime', async () => {
      assert.deepEqual(await query('INSTANCE', [eq('@componentParent', ['C'], 'REF_EQ')]), [inst.C]);
      assert.deepEqual(await query('INSTANCE', [eq('@componentParent', ['C', 'A'], 'REF_EQ'), eq('@status', ['FINISHED'])]), [inst.A]);
      const start = inst.A.slice('@A_'.length);
      const around = (a: number, b: number) => [new Date(Date.parse(`${start}Z`) + a).toISOString().slice(0, 19), new Date(Date.parse(`${start}Z`) + b).toISOString().slice(0, 19)];
      assert.equal((await query('INSTANCE', [eq('@scheduledStartTime', around(-1000, 1000), 'BETWEEN')])).length, 4);
      assert.equal((await query('INSTANCE', [eq('@scheduledStartTime', around(1000, 5000), 'BETWEEN')])).length, 0);
      assert.equal((await query('INSTANCE', [eq('@actualStartTime', around(-4 * 86_400_000, 60_000), 'BETWEEN')])).length, 4, 'list-runs default window');
      assert.equal((await query('INSTANCE', [eq('@scheduledStartTime', [start], 'GE')])).length, 4);
      assert.equal((await query('INSTANCE', [eq('@scheduledStartTime', around(-1000, 0).slice(0, 1), 'LE')])).length, 0);
    });

    it('ATTEMPT and COMPONENT spheres', async () => {
      const attempts = await query('ATTEMPT', []);
      assert.ok(attempts.length >= 2);
      assert.deepEqual(await query('ATTEMPT', [eq('@status', ['FINISHED'])]), [`${inst.A}_Attempt=1`]);
      assert.deepEqual(await query('ATTEMPT', [eq('@instanceParent', [inst.A], 'REF_EQ')]), [`${inst.A}_Attempt=1`]);
      assert.deepEqual((await query('COMPONENT', [])).sort(), ['A', 'B', 'C', 'D', 'Default']);
      assert.deepEqual(await query('COMPONENT', [eq('name', ['C'])]), ['C']);
      assert.deepEqual(await query('component', [eq('@status', ['SCHEDULED']), eq('name', ['B'])]), ['B']);
    });

    it('pages with limit 2 through paginateQueryObjects', async () => {
      for (const sphere of ['INSTANCE', 'COMPONENT']) {
        const seen: string[] = [];
        let pages = 0;
        for await (const page of paginateQueryObjects({ client: c, pageSize: 2 }, { pipelineId, sphere })) {
          pages++;
          assert.ok(pages < 10, 'the paginator does not end');
          assert.ok((page.ids ?? []).length <= 2);
          assert.equal(page.hasMoreResults, page.marker !== undefined);
          seen.push(...(page.ids ?? []));
        }
        const all = await query(sphere, []);
        assert.equal(seen.length, all.length, `${sphere}: every id once`);
        assert.deepEqual(new Set(seen), new Set(all));
        assert.equal(pages, Math.ceil(all.length / 2));
      }
    });

    it('refuses bad spheres, operators, fields, too many selectors, bad limits and markers', async () => {
      await expectError(query('PIPELINE', []), 'InvalidRequestException');
      await expectError(query('INSTANCE', [{ fieldName: '@status', operator: { type: 'LIKE' as 'EQ', values: ['X'] } }]), 'InvalidRequestException');
      await expectError(query('INSTANCE', [eq('@status', ['A', 'B'], 'BETWEEN')]), 'InvalidRequestException');
      await expectError(query('INSTANCE', [eq('@scheduledStartTime', ['2020-01-01T00:00:00'], 'BETWEEN')]), 'InvalidRequestException');
      await expectError(query('INSTANCE', [eq('myField', ['x'])]), 'InvalidRequestException');
      await expectError(query('INSTANCE', [eq('@status', [])]), 'InvalidRequestException');
      await expectError(query('INSTANCE', Array.from({ length: 11 }, () => eq('@status', ['FINISHED']))), 'InvalidRequestException');
      assert.deepEqual(await query('INSTANCE', Array.from({ length: 10 }, () => eq('@status', ['FINISHED']))), [inst.A]);
      await expectError(query('INSTANCE', [], 0), 'InvalidRequestException');
      await expectError(c.send(new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE', marker: '%%%' })), 'InvalidRequestException');
      await expectError(c.send(new QueryObjectsCommand({ pipelineId: 'df-NOSUCHPIPELINE0000', sphere: 'INSTANCE' })), 'PipelineNotFoundException');
    });

    it('DescribeObjects shows components, instances and attempts; evaluateExpressions evaluates', async () => {
      const d = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: ['A', inst.A, `${inst.A}_Attempt=1`] }));
      const [comp, instance, attempt] = d.pipelineObjects ?? [];
      assert.equal(field(comp, '@sphere'), 'COMPONENT');
      assert.equal(field(comp, 'parent'), 'Default');
      assert.equal(field(instance, '@sphere'), 'INSTANCE');
      assert.equal(field(instance, '@status'), 'FINISHED');
      assert.match(field(instance, '@actualEndTime') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      assert.equal(field(attempt, '@sphere'), 'ATTEMPT');
      assert.equal(field(attempt, '@instanceParent'), inst.A);
      assert.match(field(instance, 'command') ?? '', /#\{myBucket\}/, 'unevaluated by default');
      const e = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: [inst.A], evaluateExpressions: true }));
      assert.equal(field(e.pipelineObjects?.[0], 'command'), `echo s3://bucket/${inst.A.slice(3, 7)}`);
    });

    it('EvaluateExpression on components and instances; errors are 400', async () => {
      const ev = async (objectId: string, expression: string) =>
        (await c.send(new EvaluateExpressionCommand({ pipelineId, objectId, expression }))).evaluatedExpression;
      assert.equal(await ev('A', 'bucket is #{myBucket}'), 'bucket is s3://bucket');
      assert.equal(await ev('A', 'no expression'), 'no expression');
      assert.equal(await ev('A', '#{name}'), 'A');
      assert.equal(await ev(inst.A, "#{format(@scheduledStartTime,'YYYY-MM-dd')}"), inst.A.slice(3, 13));
      assert.equal(await ev(inst.A, '#{@status}'), 'FINISHED');
      assert.equal(await ev(inst.C, '#{@scheduledStartTime}'), inst.C.slice(3));
      await expectError(ev('A', '#{nosuchfunction(1)}'), 'InvalidRequestException');
      await expectError(ev('A', '#{'), 'InvalidRequestException');
      await expectError(ev('NoSuch', 'x'), 'InvalidRequestException');
      await expectError(ev('@NoSuch_2020-01-01T00:00:00', 'x'), 'InvalidRequestException');
      await expectError(ev('A', 'x'.repeat(20_971_521)), 'InvalidRequestException');
    });

    it('a pipeline without a definition has no objects', async () => {
      const empty = await createPipeline(c);
      const r = await c.send(new QueryObjectsCommand({ pipelineId: empty, sphere: 'COMPONENT' }));
      assert.deepEqual(r.ids ?? [], []);
      assert.equal(r.hasMoreResults, false);
    });
  });
}
