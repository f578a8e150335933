/** AddTags / RemoveTags: overwrite by key, at most 10 per pipeline, seen in DescribePipelines. */
import assert from 'node:assert/strict';
import { AddTagsCommand, CreatePipelineCommand, DeletePipelineCommand, DescribePipelinesCommand, RemoveTagsCommand } from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient, Tag } from '@aws-sdk/client-data-pipeline';
import { startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import { STORES, createPipeline, expectError, uniq } from './helpers.js';

for (const store of STORES) {
  describe(`API AddTags / RemoveTags (${store})`, () => {
    let server: TestServer;
    let c: DataPipelineClient;
    before(async () => {
      server = await startTestServer(store);
      c = server.client();
    });
    after(async () => server?.close());

    const tagsOf = async (pipelineId: string): Promise<Tag[]> =>
      (await c.send(new DescribePipelinesCommand({ pipelineIds: [pipelineId] }))).pipelineDescriptionList?.[0]?.tags ?? [];
    const sorted = (t: Tag[]) => [...t].sort((a, b) => ((a.key ?? '') < (b.key ?? '') ? -1 : 1));

    it('adds, overwrites by key and removes', async () => {
      const { pipelineId = '' } = await c.send(new CreatePipelineCommand({ name: uniq('t'), uniqueId: 'u', tags: [{ key: 'a', value: '1' }] }));
      const r = await c.send(new AddTagsCommand({ pipelineId, tags: [{ key: 'b', value: '2' }, { key: 'a', value: 'one' }] }));
      assert.equal(r.$metadata.httpStatusCode, 200);
      assert.deepEqual(sorted(await tagsOf(pipelineId)), [{ key: 'a', value: 'one' }, { key: 'b', value: '2' }]);
      await c.send(new AddTagsCommand({ pipelineId, tags: [{ key: 'c', value: '' }] }));
      await c.send(new RemoveTagsCommand({ pipelineId, tagKeys: ['a', 'not-there'] }));
      assert.deepEqual(sorted(await tagsOf(pipelineId)), [{ key: 'b', value: '2' }, { key: 'c', value: '' }]);
      await c.send(new RemoveTagsCommand({ pipelineId, tagKeys: [] }));
      assert.equal((await tagsOf(pipelineId)).length, 2);
    });

    it('concurrent AddTags calls all land', async () => {
      const pipelineId = await createPipeline(c);
      await Promise.all(Array.from({ length: 8 }, (_, i) => c.send(new AddTagsCommand({ pipelineId, tags: [{ key: `k${i}`, value: String(i) }] }))));
      assert.equal((await tagsOf(pipelineId)).length, 8);
    });

    it('at most 10 tags: refused whole, existing tags kept; overwriting at 10 is fine', async () => {
      const pipelineId = await createPipeline(c);
      const ten = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
      await c.send(new AddTagsCommand({ pipelineId, tags: ten }));
      await expectError(c.send(new AddTagsCommand({ pipelineId, tags: [{ key: 'k10', value: 'v' }] })), 'InvalidRequestException');
      assert.equal((await tagsOf(pipelineId)).length, 10);
      await c.send(new AddTagsCommand({ pipelineId, tags: [{ key: 'k0', value: 'new' }] }));
      assert.equal((await tagsOf(pipelineId)).find((t) => t.key === 'k0')?.value, 'new');
      const eleven = Array.from({ length: 11 }, (_, i) => ({ key: `x${i}`, value: 'v' }));
      await expectError(c.send(new AddTagsCommand({ pipelineId, tags: eleven })), 'InvalidRequestException');
    });

    it('validates keys and values, and unknown / deleted pipelines', async () => {
      const pipelineId = await createPipeline(c);
      await expectError(c.send(new AddTagsCommand({ pipelineId, tags: [{ key: '', value: 'v' }] })), 'InvalidRequestException');
      await expectError(c.send(new AddTagsCommand({ pipelineId, tags: [{ key: 'k'.repeat(129), value: 'v' }] })), 'InvalidRequestException');
      await expectError(c.send(new AddTagsCommand({ pipelineId, tags: [{ key: 'k', value: 'v'.repeat(257) }] })), 'InvalidRequestException');
      assert.deepEqual(await tagsOf(pipelineId), []);
      const missing = 'df-NOSUCHPIPELINE0000';
      await expectError(c.send(new AddTagsCommand({ pipelineId: missing, tags: [{ key: 'k', value: 'v' }] })), 'PipelineNotFoundException');
      await expectError(c.send(new RemoveTagsCommand({ pipelineId: missing, tagKeys: ['k'] })), 'PipelineNotFoundException');
      await c.send(new DeletePipelineCommand({ pipelineId }));
      await expectError(c.send(new AddTagsCommand({ pipelineId, tags: [{ key: 'k', value: 'v' }] })), 'PipelineDeletedException');
      await expectError(c.send(new RemoveTagsCommand({ pipelineId, tagKeys: ['k'] })), 'PipelineDeletedException');
    });
  });
}
