/** Instances and attempts: rows of `objects`, and their rendering as API PipelineObjects. */
import type { Field } from '../../protocol/shapes.js';
import type { Queryable } from './db.js';

export type Sphere = 'INSTANCE' | 'ATTEMPT';
export type InstanceKind = 'activity' | 'datanode' | 'precondition';

/** Extra runtime fields kept as JSON on the row. */
export interface RuntimeExtras {
  errorId?: string;
  errorMessage?: string;
  errorStackTrace?: string;
  hostname?: string;
  reportProgressTime?: string;
  cancellationReason?: string;
  waitingOn?: string[];
  cascadeFailedOn?: string;
  pausedFrom?: string;
  markedFinished?: boolean;
  currentRetryCount?: number;
  lastRetryTime?: string;
  /** What the runner reported with SetTaskStatus (kept to recognise a repeated report). */
  reportedStatus?: string;
  /** Fields a runner sent with ReportTaskProgress (e.g. percentComplete). */
  progress?: Field[];
}

export interface ObjectRow {
  pipeline_id: string;
  object_id: string;
  sphere: Sphere;
  run_id: number;
  component_id: string;
  instance_id: string | null;
  referrer_id: string | null;
  kind: InstanceKind;
  status: string;
  scheduled_start: string;
  scheduled_end: string;
  actual_start: string | null;
  actual_end: string | null;
  worker_group: string | null;
  attempt_no: number;
  tries_left: number | null;
  head_attempt: string | null;
  fields: RuntimeExtras;
  task_id: string | null;
  available_at: Date | null;
  ack_deadline: Date | null;
  progress_deadline: Date | null;
  attempt_deadline: Date | null;
  first_check_at: Date | null;
  cancel_requested: boolean;
  created_at: Date;
}

export const TERMINAL = ['FINISHED', 'FAILED', 'CASCADE_FAILED', 'CANCELED', 'SKIPPED', 'TIMEDOUT'] as const;
export function isTerminal(status: string): boolean {
  return (TERMINAL as readonly string[]).includes(status);
}

type R = ObjectRow & Record<string, unknown>;

export async function getObject(q: Queryable, pipelineId: string, id: string, forUpdate = false): Promise<ObjectRow | undefined> {
  const rows = await q.query<R>(
    `SELECT * FROM objects WHERE pipeline_id = $1 AND object_id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [pipelineId, id],
  );
  return rows[0];
}

export async function getObjects(q: Queryable, pipelineId: string, ids: readonly string[]): Promise<ObjectRow[]> {
  if (!ids.length) return [];
  return q.query<R>('SELECT * FROM objects WHERE pipeline_id = $1 AND object_id = ANY($2::text[])', [pipelineId, ids]);
}

export async function byTaskId(q: Queryable, taskId: string, forUpdate = false): Promise<ObjectRow | undefined> {
  const rows = await q.query<R>(`SELECT * FROM objects WHERE task_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [taskId]);
  return rows[0];
}

/** Columns an update may set; `fields` is merged into the JSON, not replaced. */
export type ObjectPatch = Partial<
  Pick<
    ObjectRow,
    | 'status'
    | 'actual_start'
    | 'actual_end'
    | 'attempt_no'
    | 'tries_left'
    | 'head_attempt'
    | 'task_id'
    | 'available_at'
    | 'ack_deadline'
    | 'progress_deadline'
    | 'attempt_deadline'
    | 'first_check_at'
    | 'cancel_requested'
    | 'worker_group'
  >
> & { fields?: RuntimeExtras; clearFields?: (keyof RuntimeExtras)[] };

export async function updateObject(q: Queryable, row: Pick<ObjectRow, 'pipeline_id' | 'object_id'>, patch: ObjectPatch): Promise<void> {
  const sets: string[] = [];
  const params: unknown[] = [row.pipeline_id, row.object_id];
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'fields' || k === 'clearFields' || v === undefined) continue;
    params.push(v);
    sets.push(`${k} = $${params.length}`);
  }
  let fieldsExpr = 'fields';
  if (patch.clearFields?.length) {
    params.push(patch.clearFields);
    fieldsExpr = `(${fieldsExpr} - $${params.length}::text[])`;
  }
  if (patch.fields) {
    params.push(JSON.stringify(patch.fields));
    fieldsExpr = `${fieldsExpr} || $${params.length}::jsonb`;
  }
  if (fieldsExpr !== 'fields') sets.push(`fields = ${fieldsExpr}`);
  if (!sets.length) return;
  await q.query(`UPDATE objects SET ${sets.join(', ')} WHERE pipeline_id = $1 AND object_id = $2`, params);
}

const COLUMNS = [
  'pipeline_id', 'object_id', 'sphere', 'run_id', 'component_id', 'instance_id', 'referrer_id', 'kind', 'status',
  'scheduled_start', 'scheduled_end', 'actual_start', 'worker_group', 'attempt_no', 'tries_left', 'head_attempt',
  'fields', 'available_at', 'created_at',
] as const;
export type NewObject = Pick<ObjectRow, (typeof COLUMNS)[number]>;

/** Insert many rows in one statement (a run is at most a few hundred objects). */
export async function insertObjects(q: Queryable, rows: readonly NewObject[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    const params: unknown[] = [];
    const tuples = chunk.map((r) => {
      const ph = COLUMNS.map((c) => {
        params.push(c === 'fields' ? JSON.stringify(r.fields) : r[c]);
        return `$${params.length}`;
      });
      return `(${ph.join(', ')})`;
    });
    await q.query(`INSERT INTO objects (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}
