import { s } from '../../protocol/codec.js';
import { formatDateTime } from '../../protocol/datetime.js';
import { InvalidRequestException } from '../../protocol/errors.js';
import type { Field, PipelineDescription } from '../../protocol/shapes.js';
import type { Queryable } from '../store/db.js';
import type { PipelineRow } from '../store/pipelines.js';
import { livePipeline } from '../store/pipelines.js';
import { defineOperation } from './operation.js';

/** HEALTHY / ERROR from each component's latest ended instance (scheduler.md 4.5); none before any ended. */
export async function pipelineHealth(q: Queryable, pipelineId: string): Promise<string | undefined> {
  const rows = await q.query<{ status: string }>(
    `SELECT DISTINCT ON (component_id) status FROM objects
      WHERE pipeline_id = $1 AND sphere = 'INSTANCE' AND kind <> 'datanode'
        AND status IN ('FINISHED','FAILED','CASCADE_FAILED','CANCELED','TIMEDOUT')
      ORDER BY component_id, actual_end DESC NULLS LAST`,
    [pipelineId],
  );
  if (!rows.length) return undefined;
  return rows.some((r) => r.status !== 'FINISHED') ? 'ERROR' : 'HEALTHY';
}

export async function describePipeline(q: Queryable, p: PipelineRow, accountId: string): Promise<PipelineDescription> {
  const health = await pipelineHealth(q, p.pipeline_id);
  const fields: Field[] = [
    { key: '@pipelineState', stringValue: p.state },
    { key: 'name', stringValue: p.name },
    { key: '@creationTime', stringValue: formatDateTime(p.created_at) },
    { key: '@id', stringValue: p.pipeline_id },
    { key: 'pipelineCreator', stringValue: accountId },
    { key: '@sphere', stringValue: 'PIPELINE' },
    { key: '@version', stringValue: String(p.active_def ?? p.latest_def ?? 0) },
    { key: '@userId', stringValue: accountId },
    { key: '@accountId', stringValue: accountId },
    { key: 'uniqueId', stringValue: p.unique_id },
  ];
  if (p.description) fields.push({ key: 'description', stringValue: p.description });
  if (health) fields.push({ key: '@healthStatus', stringValue: health });
  if (p.latest_run_time) fields.push({ key: '@latestRunTime', stringValue: p.latest_run_time });
  return {
    pipelineId: p.pipeline_id,
    name: p.name,
    fields,
    ...(p.description ? { description: p.description } : {}),
    tags: p.tags,
  };
}

export const describePipelines = defineOperation<{ pipelineIds: string[] }, { pipelineDescriptionList: PipelineDescription[] }>({
  name: 'DescribePipelines',
  input: s.struct({ pipelineIds: s.list(s.id) }, ['pipelineIds']),
  async run({ services }, input) {
    const max = services.limits.describePipelinesMaxIds;
    if (input.pipelineIds.length > max) {
      throw new InvalidRequestException(`DescribePipelines takes at most ${max} pipelineIds; got ${input.pipelineIds.length}`);
    }
    const out: PipelineDescription[] = [];
    for (const id of input.pipelineIds) {
      const p = await livePipeline(services.db, id);
      out.push(await describePipeline(services.db, p, services.accountId));
    }
    return { pipelineDescriptionList: out };
  },
});
