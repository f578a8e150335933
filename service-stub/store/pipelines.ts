/** Pipelines and their stored definitions. */
import { PipelineDeletedException, PipelineNotFoundException } from '../../protocol/errors.js';
import type { ParameterObject, ParameterValue, PipelineObject, Tag } from '../../protocol/shapes.js';
import type { Queryable } from './db.js';

export interface PipelineRow {
  pipeline_id: string;
  account_id: string;
  name: string;
  unique_id: string;
  description: string | null;
  tags: Tag[];
  state: string;
  created_at: Date;
  deleted_at: Date | null;
  latest_def: number | null;
  active_def: number | null;
  run_seq: number;
  health: string | null;
  latest_run_time: string | null;
  finished_time: string | null;
  paused_components: string[];
}

export interface DefinitionRow {
  pipeline_id: string;
  version: number;
  objects: PipelineObject[];
  parameter_objects: ParameterObject[] | null;
  parameter_values: ParameterValue[] | null;
  errored: boolean;
}

export async function findPipeline(q: Queryable, id: string, forUpdate = false): Promise<PipelineRow | undefined> {
  const rows = await q.query<PipelineRow & Record<string, unknown>>(
    `SELECT * FROM pipelines WHERE pipeline_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0];
}

function assertLive(p: PipelineRow | undefined, id: string): PipelineRow {
  if (!p) throw new PipelineNotFoundException(`Pipeline ${id} not found`);
  if (p.deleted_at) throw new PipelineDeletedException(`Pipeline ${id} was deleted`);
  return p;
}

/** The pipeline, or PipelineNotFoundException / PipelineDeletedException naming it. */
export async function livePipeline(q: Queryable, id: string, forUpdate = false): Promise<PipelineRow> {
  return assertLive(await findPipeline(q, id, forUpdate), id);
}

/**
 * livePipeline locked FOR UPDATE together with its latest definition, in one statement (ActivatePipeline).
 * The definition is read in the statement's snapshot, which can predate a PutPipelineDefinition we waited for on
 * the lock (the locked row itself is the newest); when it does not match the row's latest_def it is read again.
 */
export async function lockLivePipelineWithDefinition(
  q: Queryable,
  id: string,
): Promise<{ pipeline: PipelineRow; definition: DefinitionRow | undefined }> {
  const rows = await q.query<PipelineRow & { latest_definition?: DefinitionRow | null } & Record<string, unknown>>(
    `SELECT p.*, (SELECT to_jsonb(d) FROM definitions d WHERE d.pipeline_id = p.pipeline_id AND d.version = p.latest_def) AS latest_definition
       FROM pipelines p WHERE p.pipeline_id = $1 FOR UPDATE OF p`,
    [id],
  );
  const row = rows[0];
  const found = row?.latest_definition ?? undefined;
  if (row) delete row.latest_definition;
  const pipeline = assertLive(row, id);
  if (pipeline.latest_def === null) return { pipeline, definition: undefined };
  const definition = found?.version === pipeline.latest_def ? found : await getDefinition(q, id, pipeline.latest_def);
  return { pipeline, definition };
}

export async function getDefinition(q: Queryable, pipelineId: string, version: number): Promise<DefinitionRow | undefined> {
  const rows = await q.query<DefinitionRow & Record<string, unknown>>(
    'SELECT * FROM definitions WHERE pipeline_id = $1 AND version = $2',
    [pipelineId, version],
  );
  return rows[0];
}

export async function setPipelineState(q: Queryable, id: string, state: string): Promise<void> {
  await q.query('UPDATE pipelines SET state = $2 WHERE pipeline_id = $1', [id, state]);
}
