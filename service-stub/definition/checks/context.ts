/** Shared state of one validation run: the objects, their inheritance, the options and the report. */
import type { Field, PipelineObject } from '../../../protocol/shapes.js';
import { buildIndex, type ObjectIndex, ParentCycleError, resolveFieldsIn } from '../inherit.js';
import type { Report } from '../report.js';
import type { ObjectTypeDescriptor } from '../types/descriptor.js';
import { getDescriptor } from '../types/registry.js';

export interface CheckOptions {
  readonly relaxedLimits: boolean;
  readonly maxObjects: number;
  readonly now: Date;
  readonly requireParameterValues: boolean;
}

export class Ctx {
  readonly index: ObjectIndex;
  /** Ids some object names as its `parent`: typeless ones among them are templates, not errors. */
  readonly parentTargets: ReadonlySet<string>;
  private readonly cache = new Map<string, Field[] | null>();

  constructor(
    readonly objects: readonly PipelineObject[],
    readonly opts: CheckOptions,
    readonly report: Report,
    /** Resolved parameter values (values over defaults). */
    readonly params: ReadonlyMap<string, readonly string[]>,
    /** Every declared parameter id, with or without value. */
    readonly declaredParams: ReadonlySet<string>,
  ) {
    this.index = buildIndex(objects);
    const targets = new Set<string>();
    for (const o of objects) for (const f of o.fields ?? []) if (f.key === 'parent' && f.refValue) targets.add(f.refValue);
    this.parentTargets = targets;
  }

  /** Effective fields after inheritance; undefined when the object is unknown or its parent chain loops. */
  resolved(id: string): Field[] | undefined {
    if (!this.cache.has(id)) {
      let r: Field[] | null = null;
      try {
        r = this.index.has(id) ? resolveFieldsIn(this.index, id) : null;
      } catch (e) {
        if (!(e instanceof ParentCycleError)) throw e;
      }
      this.cache.set(id, r);
    }
    return this.cache.get(id) ?? undefined;
  }

  /** Own fields of the first object with this id. */
  own(id: string): readonly Field[] {
    return this.index.get(id)?.fields ?? [];
  }

  /** The resolved `type` (children inherit their template's type). */
  typeOf(id: string): string | undefined {
    const fields = this.resolved(id) ?? this.own(id);
    return fields.find((f) => f.key === 'type')?.stringValue;
  }

  descriptorOf(id: string): ObjectTypeDescriptor | undefined {
    const t = this.typeOf(id);
    return t === undefined ? undefined : getDescriptor(t);
  }

  /** Objects validated as instances of their type: known type, parent chain resolvable. */
  *typed(): Generator<{ id: string; d: ObjectTypeDescriptor; fields: Field[] }> {
    for (const id of this.index.keys()) {
      const d = this.descriptorOf(id);
      const fields = this.resolved(id);
      if (d && fields) yield { id, d, fields };
    }
  }

  error(id: string, message: string): void {
    this.report.error(id, message);
  }
  warn(id: string, message: string): void {
    this.report.warn(id, message);
  }
}

/** First value of a key in a field list (a ref's target id for refs). */
export function first(fields: readonly Field[], key: string): string | undefined {
  const f = fields.find((x) => x.key === key);
  return f ? (f.refValue ?? f.stringValue) : undefined;
}

/** True when the text holds a `#{...}` expression: its value is only known at run time. */
export function isDynamic(v: string): boolean {
  return v.includes('#{');
}

/**
 * A literal value for checks: the value itself, or the parameter value when the whole value is `#{myParam}`
 * (parameters are substituted before anything else, scheduler.md 10). undefined = cannot be known now.
 */
export function literal(ctx: Ctx, v: string): string | undefined {
  if (!isDynamic(v)) return v;
  const m = /^#\{\s*(\*?my[A-Za-z0-9_]*)\s*\}$/.exec(v);
  const vals = m ? ctx.params.get(m[1]) : undefined;
  return vals && vals.length === 1 ? vals[0] : undefined;
}
