import type { ParameterValue } from '../../protocol/shapes.js';
import { CompiledDefinition, cachedCompiled, storeCompiled } from '../core/compiled.js';
import type { Queryable } from '../store/db.js';
import { getDefinition } from '../store/pipelines.js';

export interface RunRow {
  pipeline_id: string;
  run_id: number;
  def_version: number;
  scheduled_start: string;
  status: string;
  parameter_values: ParameterValue[] | null;
}

export async function getRun(q: Queryable, pipelineId: string, runId: number): Promise<RunRow> {
  const rows = await q.query<RunRow & Record<string, unknown>>(
    'SELECT * FROM runs WHERE pipeline_id = $1 AND run_id = $2',
    [pipelineId, runId],
  );
  if (!rows[0]) throw new Error(`run ${runId} of ${pipelineId} is missing`);
  return rows[0];
}

/** The compiled definition a run was activated with (with its activation-time parameter values). */
export async function runDefinition(q: Queryable, pipelineId: string, runId: number): Promise<CompiledDefinition> {
  const key = `${pipelineId}:${runId}`;
  const hit = cachedCompiled(key);
  if (hit) return hit;
  const run = await getRun(q, pipelineId, runId);
  const def = await getDefinition(q, pipelineId, run.def_version);
  if (!def) throw new Error(`definition ${run.def_version} of ${pipelineId} is missing`);
  const c = new CompiledDefinition(
    { objects: def.objects, parameterObjects: def.parameter_objects ?? [], parameterValues: def.parameter_values ?? [] },
    run.parameter_values ?? [],
  );
  return storeCompiled(key, c);
}
