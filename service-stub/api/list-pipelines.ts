import { s } from '../../protocol/codec.js';
import type { PipelineIdName } from '../../protocol/shapes.js';
import { decodeMarker, encodeMarker } from './marker.js';
import { defineOperation } from './operation.js';

interface Out {
  pipelineIdList: PipelineIdName[];
  marker?: string;
  hasMoreResults: boolean;
}

export const listPipelines = defineOperation<{ marker?: string }, Out>({
  name: 'ListPipelines',
  input: s.struct({ marker: s.string }),
  async run({ services }, input) {
    const after = decodeMarker(input.marker)?.[0] ?? '';
    const size = services.limits.listPipelinesPageSize;
    const rows = await services.db.query<{ pipeline_id: string; name: string }>(
      `SELECT pipeline_id, name FROM pipelines WHERE account_id = $1 AND deleted_at IS NULL AND pipeline_id > $2
        ORDER BY pipeline_id LIMIT $3`,
      [services.accountId, after, size + 1],
    );
    const page = rows.slice(0, size);
    const more = rows.length > size;
    // Last page: hasMoreResults false and no marker, or the JS SDK's paginator never stops (api.md 1.7).
    return {
      pipelineIdList: page.map((r) => ({ id: r.pipeline_id, name: r.name })),
      hasMoreResults: more,
      ...(more ? { marker: encodeMarker([page[page.length - 1].pipeline_id]) } : {}),
    };
  },
});
