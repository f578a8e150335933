/**
 * What this process handed out: task id -> the attempt's pipeline, run and component. These never change for a
 * task id (ids are random and never reused), so the ack can compute its progress deadline without reading the
 * row first. A miss (another replica's task, a restart, an evicted entry) just takes the reading path.
 */
export interface TaskIdentity {
  readonly pipelineId: string;
  readonly runId: number;
  readonly componentId: string;
}

/** Far more than the tasks in flight at once; oldest entries go first (Map keeps insertion order). */
const MAX_ENTRIES = 20_000;
const tasks = new Map<string, TaskIdentity>();

export function rememberTask(taskId: string, identity: TaskIdentity): void {
  if (tasks.size >= MAX_ENTRIES) {
    const oldest = tasks.keys().next();
    if (!oldest.done) tasks.delete(oldest.value);
  }
  tasks.set(taskId, identity);
}

export function knownTask(taskId: string): TaskIdentity | undefined {
  return tasks.get(taskId);
}

export function forgetTask(taskId: string): void {
  tasks.delete(taskId);
}
