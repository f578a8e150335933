import { s } from '../../protocol/codec.js';
import { InvalidRequestException } from '../../protocol/errors.js';
import type { PipelineObject } from '../../protocol/shapes.js';
import { runDefinition } from '../scheduler/run-definition.js';
import { getObjects } from '../store/objects.js';
import { livePipeline } from '../store/pipelines.js';
import { componentDefinition, componentStatus } from './components.js';
import { defineOperation } from './operation.js';
import { renderComponent, renderPhysical } from './render.js';

interface In {
  pipelineId: string;
  objectIds: string[];
  evaluateExpressions?: boolean;
  marker?: string;
}
interface Out {
  pipelineObjects: PipelineObject[];
  hasMoreResults: boolean;
}

/** Objects of any sphere by id, all in one page (the CLI's list-runs sends 100 ids and never pages, api.md 4.6). */
export const describeObjects = defineOperation<In, Out>({
  name: 'DescribeObjects',
  input: s.struct({ pipelineId: s.id, objectIds: s.list(s.id), evaluateExpressions: s.bool, marker: s.string }, ['pipelineId', 'objectIds']),
  async run({ services }, input) {
    const max = services.limits.describeObjectsMaxIds;
    if (input.objectIds.length > max) {
      throw new InvalidRequestException(`DescribeObjects takes at most ${max} objectIds; got ${input.objectIds.length}`);
    }
    const db = services.db;
    const p = await livePipeline(db, input.pipelineId);
    const rows = await getObjects(db, input.pipelineId, input.objectIds.filter((id) => id.startsWith('@')));
    const byId = new Map(rows.map((r) => [r.object_id, r]));
    const waiting = await db.query<{ instance_id: string; depends_on: string }>(
      `SELECT d.instance_id, d.depends_on FROM deps d JOIN objects o ON o.pipeline_id = d.pipeline_id AND o.object_id = d.depends_on
        WHERE d.pipeline_id = $1 AND d.instance_id = ANY($2::text[]) AND o.status <> 'FINISHED' ORDER BY d.depends_on`,
      [input.pipelineId, rows.filter((r) => r.sphere === 'INSTANCE').map((r) => r.object_id)],
    );
    const comps = await componentDefinition(db, p);
    const out: PipelineObject[] = [];
    const missing: string[] = [];
    for (const id of input.objectIds) {
      const row = byId.get(id);
      if (row) {
        const def = await runDefinition(db, input.pipelineId, row.run_id);
        const waitingOn = waiting.filter((w) => w.instance_id === id).map((w) => w.depends_on);
        out.push(renderPhysical(def, row, { waitingOn, evaluate: input.evaluateExpressions }));
      } else if (comps?.byId.has(id)) {
        out.push(renderComponent(comps, id, input.pipelineId, componentStatus(p, id)));
      } else missing.push(id);
    }
    if (missing.length) {
      throw new InvalidRequestException(`No such object in pipeline ${input.pipelineId}: ${missing.slice(0, 20).join(', ')}`);
    }
    return { pipelineObjects: out, hasMoreResults: false };
  },
});
