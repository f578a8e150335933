/** The definition whose objects are the pipeline's components: the active one, else the latest. */
import { CompiledDefinition, cachedCompiled, storeCompiled } from '../core/compiled.js';
import type { Queryable } from '../store/db.js';
import type { PipelineRow } from '../store/pipelines.js';
import { getDefinition } from '../store/pipelines.js';

export async function componentDefinition(q: Queryable, p: PipelineRow): Promise<CompiledDefinition | undefined> {
  const v = p.active_def ?? p.latest_def;
  if (v === null) return undefined;
  const key = `${p.pipeline_id}:v${v}`;
  const hit = cachedCompiled(key);
  if (hit) return hit;
  const d = await getDefinition(q, p.pipeline_id, v);
  if (!d) return undefined;
  return storeCompiled(
    key,
    new CompiledDefinition({ objects: d.objects, parameterObjects: d.parameter_objects ?? [], parameterValues: d.parameter_values ?? [] }),
  );
}

export function componentStatus(p: PipelineRow, id: string): string {
  if (p.paused_components.includes(id)) return 'PAUSED';
  return p.active_def === null ? 'PENDING' : 'SCHEDULED';
}
