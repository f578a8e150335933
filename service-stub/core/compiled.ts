/**
 * A stored definition compiled for the scheduler: objects by id, fields resolved through `parent`/`Default`,
 * each object's kind, and the parameter values. Definitions are immutable per version, so compiled ones are cached.
 */
import type { Field, ParameterObject, ParameterValue, PipelineObject } from '../../protocol/shapes.js';
import { firstValue } from '../../protocol/shapes.js';
import { describeType, resolveFields, resolveParameters } from '../definition/index.js';
import type { ObjectKind } from '../definition/index.js';

export interface StoredDefinition {
  objects: PipelineObject[];
  parameterObjects?: ParameterObject[];
  parameterValues?: ParameterValue[];
}

export class CompiledDefinition {
  readonly byId = new Map<string, PipelineObject>();
  private readonly resolvedCache = new Map<string, Field[]>();
  readonly params: Map<string, string[]>;

  constructor(readonly stored: StoredDefinition, extraValues?: ParameterValue[]) {
    for (const o of stored.objects) this.byId.set(o.id as string, o);
    const values = mergeValues(stored.parameterValues ?? [], extraValues ?? []);
    this.params = resolveParameters(stored.parameterObjects ?? [], values);
  }

  /** Fields after inheritance (own, then parent chain, then Default). */
  fields(id: string): Field[] {
    let f = this.resolvedCache.get(id);
    if (!f) {
      f = this.byId.has(id) ? resolveFields(this.stored.objects, id) : [];
      this.resolvedCache.set(id, f);
    }
    return f;
  }

  /**
   * The first value, with `#{myParam}` references replaced by the parameter's value: the service itself reads these
   * fields (workerGroup, maximumRetries, periods, ...), and parameters are substituted before anything else
   * (scheduler.md 10). Without this a `"workerGroup": "#{myWorkerGroup}"` routed tasks to that literal text.
   */
  value(id: string, key: string): string | undefined {
    const v = firstValue(this.fields(id), key);
    if (v === undefined || !v.includes('#{') || this.params.size === 0) return v;
    return v.replace(PARAM_REF, (whole, name: string) => this.params.get(name)?.[0] ?? whole);
  }

  values(id: string, key: string): string[] {
    return this.fields(id)
      .filter((f) => f.key === key)
      .map((f) => (f.refValue ?? f.stringValue) as string);
  }

  typeOf(id: string): string | undefined {
    return this.value(id, 'type');
  }

  kindOf(id: string): ObjectKind | undefined {
    const t = this.typeOf(id);
    return t ? describeType(t)?.kind : undefined;
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }
}

/** `#{myX}` or `#{*myX}` alone inside the braces: a parameter reference, not a larger expression. */
const PARAM_REF = /#\{\s*(\*?my[^\s{}()'".,]*)\s*\}/g;

/** Values given at activation replace stored values of the same id. */
function mergeValues(stored: ParameterValue[], extra: ParameterValue[]): ParameterValue[] {
  if (!extra.length) return stored;
  const replaced = new Set(extra.map((v) => v.id));
  return [...stored.filter((v) => !replaced.has(v.id)), ...extra];
}

const cache = new Map<string, CompiledDefinition>();
const MAX_CACHE = 512;

export function cachedCompiled(key: string): CompiledDefinition | undefined {
  return cache.get(key);
}

export function storeCompiled(key: string, c: CompiledDefinition): CompiledDefinition {
  if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value as string);
  cache.set(key, c);
  return c;
}
