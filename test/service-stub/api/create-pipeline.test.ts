/** CreatePipeline, ListPipelines (paging), DescribePipelines, DeletePipeline through the SDK. */
import assert from 'node:assert/strict';
import {
  CreatePipelineCommand,
  DeletePipelineCommand,
  DescribePipelinesCommand,
  GetPipelineDefinitionCommand,
  ListPipelinesCommand,
  paginateListPipelines,
} from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { STORES, createPipeline, expectError, uniq } from './helpers.js';

for (const store of STORES) {
  describe(`API CreatePipeline / ListPipelines / DescribePipelines / DeletePipeline (${store})`, () => {
    let server: TestServer;
    let c: DataPipelineClient;
    before(async () => {
      server = await startTestServer(store);
      c = server.client();
    });
    after(async () => server?.close());

    it('returns a df- pipeline id and is idempotent on name + uniqueId', async () => {
      const name = uniq('same');
      const a = await c.send(new CreatePipelineCommand({ name, uniqueId: 'token-1', description: 'd' }));
      assert.match(a.pipelineId ?? '', /^df-[A-Z0-9]{20}$/);
      const b = await c.send(new CreatePipelineCommand({ name, uniqueId: 'token-1' }));
      assert.equal(b.pipelineId, a.pipelineId);
      const other = await c.send(new CreatePipelineCommand({ name, uniqueId: 'token-2' }));
      assert.notEqual(other.pipelineId, a.pipelineId);
      const otherName = await c.send(new CreatePipelineCommand({ name: uniq('else'), uniqueId: 'token-1' }));
      assert.notEqual(otherName.pipelineId, a.pipelineId);
    });

    it('concurrent creates with one name + uniqueId make one pipeline', async () => {
      const name = uniq('race');
      const ids = await Promise.all(Array.from({ length: 6 }, () => c.send(new CreatePipelineCommand({ name, uniqueId: 'same' }))));
      assert.equal(new Set(ids.map((r) => r.pipelineId)).size, 1);
    });

    it('DescribePipelines shows state PENDING, name, uniqueId, description and tags', async () => {
      const name = uniq('desc');
      const { pipelineId = '' } = await c.send(
        new CreatePipelineCommand({ name, uniqueId: 'u-desc', description: 'my pipeline', tags: [{ key: 'env', value: 'test' }] }),
      );
      const d = await c.send(new DescribePipelinesCommand({ pipelineIds: [pipelineId] }));
      assert.equal(d.pipelineDescriptionList?.length, 1);
      const p = d.pipelineDescriptionList?.[0];
      assert.equal(p?.pipelineId, pipelineId);
      assert.equal(p?.name, name);
      assert.equal(p?.description, 'my pipeline');
      assert.deepEqual(p?.tags, [{ key: 'env', value: 'test' }]);
      const f = (k: string) => p?.fields?.find((x) => x.key === k)?.stringValue;
      assert.equal(f('@pipelineState'), 'PENDING');
      assert.equal(f('uniqueId'), 'u-desc');
      assert.equal(f('name'), name);
      assert.equal(f('@id'), pipelineId);
      assert.match(f('@creationTime') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      assert.equal(f('@healthStatus'), undefined, 'no health before any run ended');
    });

    it('ListPipelines includes a new pipeline and always answers pipelineIdList', async () => {
      const id = await createPipeline(c);
      const r = await c.send(new ListPipelinesCommand({}));
      assert.ok(Array.isArray(r.pipelineIdList));
      assert.ok(r.pipelineIdList.some((p) => p.id === id));
      assert.equal(r.hasMoreResults, false);
      assert.equal(r.marker, undefined);
      // An empty marker is a first page (api.md 1.5).
      const again = await c.send(new ListPipelinesCommand({ marker: '' }));
      assert.ok(again.pipelineIdList?.some((p) => p.id === id));
    });

    it('DeletePipeline: later calls answer PipelineDeletedException, unknown ids PipelineNotFoundException', async () => {
      const id = await createPipeline(c);
      const del = await c.send(new DeletePipelineCommand({ pipelineId: id }));
      assert.equal(del.$metadata.httpStatusCode, 200);
      await expectError(c.send(new DescribePipelinesCommand({ pipelineIds: [id] })), 'PipelineDeletedException');
      await expectError(c.send(new GetPipelineDefinitionCommand({ pipelineId: id })), 'PipelineDeletedException');
      const list = await c.send(new ListPipelinesCommand({}));
      assert.ok(!list.pipelineIdList?.some((p) => p.id === id), 'a deleted pipeline is not listed');
      await expectError(c.send(new DeletePipelineCommand({ pipelineId: id })), 'PipelineNotFoundException');
      await expectError(c.send(new DeletePipelineCommand({ pipelineId: 'df-NOSUCHPIPELINE0000' })), 'PipelineNotFoundException');
      await expectError(c.send(new DescribePipelinesCommand({ pipelineIds: ['df-NOSUCHPIPELINE0000'] })), 'PipelineNotFoundException');
    });

    it('a deleted name + uniqueId creates a new pipeline', async () => {
      const name = uniq('recreate');
      const a = await c.send(new CreatePipelineCommand({ name, uniqueId: 'x' }));
      await c.send(new DeletePipelineCommand({ pipelineId: a.pipelineId }));
      const b = await c.send(new CreatePipelineCommand({ name, uniqueId: 'x' }));
      assert.notEqual(b.pipelineId, a.pipelineId);
    });

    it('rejects invalid input with InvalidRequestException', async () => {
      await expectError(c.send(new CreatePipelineCommand({ name: 'n'.repeat(1025), uniqueId: 'u' })), 'InvalidRequestException');
      await expectError(c.send(new CreatePipelineCommand({ name: 'bad\u0001name', uniqueId: 'u' })), 'InvalidRequestException');
      await expectError(c.send(new CreatePipelineCommand({ name: '', uniqueId: 'u' })), 'InvalidRequestException');
      await expectError(c.send(new CreatePipelineCommand({ name: 'n', uniqueId: 'u'.repeat(1025) })), 'InvalidRequestException');
      await expectError(c.send(new CreatePipelineCommand({ name: 'n', uniqueId: 'u', description: 'd'.repeat(1025) })), 'InvalidRequestException');
      const tags = Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
      await expectError(c.send(new CreatePipelineCommand({ name: uniq('tags'), uniqueId: 'u', tags })), 'InvalidRequestException');
      await expectError(
        c.send(new CreatePipelineCommand({ name: uniq('tags'), uniqueId: 'u', tags: [{ key: 'k'.repeat(129), value: 'v' }] })),
        'InvalidRequestException',
      );
    });

    it('DescribePipelines takes at most 25 ids', async () => {
      const id = await createPipeline(c);
      await expectError(c.send(new DescribePipelinesCommand({ pipelineIds: Array(26).fill(id) })), 'InvalidRequestException');
      const ok = await c.send(new DescribePipelinesCommand({ pipelineIds: Array(25).fill(id) }));
      assert.equal(ok.pipelineDescriptionList?.length, 25);
    });
  });

  describe(`API pipeline limit and ListPipelines paging (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(store, { limits: { maxPipelines: 3, listPipelinesPageSize: 2 } });
    });
    after(async () => server?.close());

    it('refuses a pipeline beyond maxPipelines, but an idempotent repeat still answers', async () => {
      const c = server.client();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await c.send(new CreatePipelineCommand({ name: `lim${i}`, uniqueId: 'u' }))).pipelineId ?? '');
      const err = await expectError(c.send(new CreatePipelineCommand({ name: 'lim3', uniqueId: 'u' })), 'InvalidRequestException');
      assert.match(err.message, /limit/i);
      const again = await c.send(new CreatePipelineCommand({ name: 'lim0', uniqueId: 'u' }));
      assert.equal(again.pipelineId, ids[0]);
      // Deleting one frees a slot.
      await c.send(new DeletePipelineCommand({ pipelineId: ids[2] }));
      await c.send(new CreatePipelineCommand({ name: 'lim3', uniqueId: 'u' }));
      for (const id of (await c.send(new ListPipelinesCommand({}))).pipelineIdList ?? []) {
        await c.send(new DeletePipelineCommand({ pipelineId: id.id as string }));
      }
    });
  });

  describe(`API ListPipelines paginator (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(store, { limits: { listPipelinesPageSize: 2 } });
    });
    after(async () => server?.close());

    it('pages 5 pipelines 2 at a time, each seen exactly once, and ends', async () => {
      const c = server.client();
      const created = new Set<string>();
      for (let i = 0; i < 5; i++) created.add(await createPipeline(c, `page${i}`));
      const seen: string[] = [];
      const markers = new Set<string>();
      let pages = 0;
      for await (const page of paginateListPipelines({ client: c }, {})) {
        pages++;
        assert.ok(pages <= 10, 'the paginator does not end');
        assert.ok((page.pipelineIdList ?? []).length <= 2);
        seen.push(...(page.pipelineIdList ?? []).map((p) => p.id as string));
        if (page.marker) {
          assert.equal(page.hasMoreResults, true);
          assert.ok(!markers.has(page.marker), 'a marker repeated');
          markers.add(page.marker);
        } else assert.equal(page.hasMoreResults, false);
      }
      assert.equal(pages, 3);
      assert.equal(seen.length, 5);
      assert.deepEqual(new Set(seen), created);
      await expectError(c.send(new ListPipelinesCommand({ marker: 'not-a-marker!' })), 'InvalidRequestException');
    });
  });
}
