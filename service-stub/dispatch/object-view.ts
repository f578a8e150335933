/**
 * Objects as the expression engine sees them in one run: a component's fields after inheritance, the run's
 * runtime fields (`@scheduledStartTime`, `@pipelineId`, ...), references followed to other objects, and string
 * values evaluated on read so `#{input.directoryPath}` yields the data node's evaluated path.
 */
import type { Field } from '../../protocol/shapes.js';
import type { CompiledDefinition } from '../core/compiled.js';
import type { EvalContext, ExprObject } from '../expressions/index.js';
import { evaluateText, hasExpression } from '../expressions/index.js';

/** Fields whose values are used verbatim (scheduler.md 9.1). */
const VERBATIM = new Set(['id', 'name', 'type', '@sphere']);
const MAX_DEPTH = 16;

export interface RunScope {
  readonly def: CompiledDefinition;
  readonly pipelineId: string;
  /** Absent when viewing components outside any run (no runtime time fields then). */
  readonly scheduledStart?: string;
  readonly scheduledEnd?: string;
}

export class ObjectViews {
  private readonly views = new Map<string, ExprObject>();
  private depth = 0;

  constructor(
    private readonly scope: RunScope,
    /** Runtime fields of particular objects (the attempt being handed out, its instance), by component id. */
    private readonly runtime: ReadonlyMap<string, Readonly<Record<string, string>>> = new Map(),
    /** `node` for preconditions and actions: the component id of the object that referenced them. */
    private readonly nodeOf: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** The run-context view of a component: its instance in this run. */
  view(id: string): ExprObject {
    let v = this.views.get(id);
    if (!v) {
      v = this.makeView(id);
      this.views.set(id, v);
    }
    return v;
  }

  context(id: string): EvalContext {
    const node = this.nodeOf.get(id);
    return { self: this.view(id), node: node ? this.view(node) : undefined, params: this.scope.def.params };
  }

  /** Evaluate one field value in the context of object `id` (one or more strings). */
  evaluate(id: string, key: string, value: string): string[] {
    if (VERBATIM.has(key) || !hasExpression(value)) return [value];
    this.depth++;
    try {
      if (this.depth > MAX_DEPTH) throw new Error(`expression references loop back to '${key}' of ${id}`);
      return evaluateText(value, this.context(id));
    } finally {
      this.depth--;
    }
  }

  /** The object's fields with every string value evaluated; a list result becomes a repeated field. */
  evaluatedFields(id: string, fields: readonly Field[]): Field[] {
    const out: Field[] = [];
    for (const f of fields) {
      if (f.refValue !== undefined) out.push(f);
      else for (const v of this.evaluate(id, f.key as string, f.stringValue ?? '')) out.push({ key: f.key, stringValue: v });
    }
    return out;
  }

  private makeView(id: string): ExprObject {
    const { def, pipelineId, scheduledStart, scheduledEnd } = this.scope;
    const own = this.runtime.get(id) ?? {};
    const base: Record<string, string> =
      scheduledStart !== undefined
        ? {
            '@scheduledStartTime': scheduledStart,
            '@scheduledEndTime': scheduledEnd ?? scheduledStart,
            '@pipelineId': pipelineId,
            '@id': `@${id}_${scheduledStart}`,
            ...own,
          }
        : { '@pipelineId': pipelineId, '@id': id, ...own };
    const component: ExprObject = {
      id,
      get: (key) => (key === '@id' ? [id] : key === '@pipelineId' ? [pipelineId] : this.view(id).get(key)),
    };
    return {
      id,
      get: (key) => {
        if (key in base) return [base[key]];
        if (key === 'parent') return [component];
        if (key === 'node') {
          const n = this.nodeOf.get(id);
          return n ? [this.view(n)] : undefined;
        }
        const fields = def.fields(id).filter((f) => f.key === key);
        // `name` is the object's name, not one of its fields (scheduler.md 9.1: `#{name}`, `#{node.name}`).
        if (!fields.length) return key === 'name' ? [def.byId.get(id)?.name ?? id] : undefined;
        const out: (string | ExprObject)[] = [];
        for (const f of fields) {
          if (f.refValue !== undefined) out.push(this.view(f.refValue));
          else out.push(...this.evaluate(id, key, f.stringValue ?? ''));
        }
        return out;
      },
    };
  }
}
