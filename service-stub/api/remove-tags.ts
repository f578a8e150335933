import { s } from '../../protocol/codec.js';
import { livePipeline } from '../store/pipelines.js';
import { defineOperation } from './operation.js';

export const removeTags = defineOperation<{ pipelineId: string; tagKeys: string[] }, Record<string, never>>({
  name: 'RemoveTags',
  input: s.struct({ pipelineId: s.id, tagKeys: s.list(s.string) }, ['pipelineId', 'tagKeys']),
  async run({ services }, input) {
    return services.runTx(async (tx) => {
      const p = await livePipeline(tx.q, input.pipelineId, true);
      const tags = p.tags.filter((t) => !input.tagKeys.includes(t.key as string));
      await tx.q.query('UPDATE pipelines SET tags = $2 WHERE pipeline_id = $1', [input.pipelineId, JSON.stringify(tags)]);
      return {};
    });
  },
});
