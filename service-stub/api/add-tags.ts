import { s, shapes } from '../../protocol/codec.js';
import type { Tag } from '../../protocol/shapes.js';
import { livePipeline } from '../store/pipelines.js';
import { defineOperation } from './operation.js';
import { mergeTags } from './tags.js';

export const addTags = defineOperation<{ pipelineId: string; tags: Tag[] }, Record<string, never>>({
  name: 'AddTags',
  input: s.struct({ pipelineId: s.id, tags: s.list(shapes.tag, 10) }, ['pipelineId', 'tags']),
  async run({ services }, input) {
    return services.runTx(async (tx) => {
      const p = await livePipeline(tx.q, input.pipelineId, true);
      const tags = mergeTags(p.tags, input.tags, services.limits.maxTags, input.pipelineId);
      await tx.q.query('UPDATE pipelines SET tags = $2 WHERE pipeline_id = $1', [input.pipelineId, JSON.stringify(tags)]);
      return {};
    });
  },
});
