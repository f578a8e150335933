/**
 * Typed read access to a task's object graph (TaskObject.objects). Values arrive already evaluated by the
 * service; repeated keys keep their order; references are followed through the objects map.
 */
import type { Field, PipelineObject, TaskObject } from '../protocol/shapes.js';

export class ObjectView {
  private readonly fields: readonly Field[];

  constructor(
    readonly id: string,
    private readonly obj: PipelineObject,
    private readonly graph: TaskView,
  ) {
    this.fields = obj.fields ?? [];
  }

  get name(): string {
    return this.obj.name ?? this.id;
  }

  get type(): string | undefined {
    return this.value('type');
  }

  has(key: string): boolean {
    return this.fields.some((f) => f.key === key);
  }

  /** First string value of `key` (a reference's target id for reference fields). */
  value(key: string): string | undefined {
    const f = this.fields.find((x) => x.key === key);
    return f ? (f.stringValue ?? f.refValue) : undefined;
  }

  /** Every value of a repeated key, in order. */
  values(key: string): string[] {
    return this.fields.filter((f) => f.key === key).map((f) => (f.stringValue ?? f.refValue) as string);
  }

  /** Boolean field ("true"/"false", any case); `fallback` when absent. */
  flag(key: string, fallback = false): boolean {
    const v = this.value(key);
    return v === undefined ? fallback : v.trim().toLowerCase() === 'true';
  }

  /** The object a reference field points to; undefined when absent or not in the task. */
  ref(key: string): ObjectView | undefined {
    const f = this.fields.find((x) => x.key === key && x.refValue !== undefined);
    return f ? this.graph.get(f.refValue as string) : undefined;
  }

  /** Every object a repeated reference field points to, in order (missing targets skipped). */
  refs(key: string): ObjectView[] {
    return this.fields
      .filter((f) => f.key === key && f.refValue !== undefined)
      .map((f) => this.graph.get(f.refValue as string))
      .filter((v): v is ObjectView => v !== undefined);
  }

  /** The raw field list (e.g. to pass on), never to be logged: it may hold `*password` values. */
  rawFields(): readonly Field[] {
    return this.fields;
  }
}

export class TaskView {
  private readonly views = new Map<string, ObjectView>();

  constructor(private readonly task: TaskObject) {}

  get taskId(): string {
    return this.task.taskId ?? '';
  }
  get pipelineId(): string {
    return this.task.pipelineId ?? '';
  }
  get attemptId(): string {
    return this.task.attemptId ?? '';
  }

  /** The attempt object: the activity's or precondition's fields plus its runtime fields. */
  get attempt(): ObjectView {
    const a = this.get(this.attemptId);
    if (!a) throw new Error(`task ${this.taskId} has no object for its attempt ${this.attemptId}`);
    return a;
  }

  /** Component id (`@componentParent`), falling back to what the attempt id encodes. */
  get componentId(): string {
    return this.get(this.attemptId)?.value('@componentParent') ?? this.attemptId.replace(/^@/, '').replace(/_\d{4}-\d\d-\d\dT.*$/, '');
  }

  /** Instance id (`@instanceParent`), falling back to the attempt id without its `_Attempt=N` suffix. */
  get instanceId(): string {
    return this.get(this.attemptId)?.value('@instanceParent') ?? this.attemptId.replace(/_Attempt=\d+$/, '');
  }

  get(id: string): ObjectView | undefined {
    let v = this.views.get(id);
    if (!v) {
      const o = this.task.objects?.[id];
      if (!o) return undefined;
      v = new ObjectView(id, o, this);
      this.views.set(id, v);
    }
    return v;
  }
}
