/**
 * `Default` and `parent` inheritance (scheduler.md 1.3):
 *   resolve(o) = own(o) ∪ resolve(base(o))   own wins key by key; a key set on a nearer object replaces the whole
 *                                            inherited list of that key (no merge)
 *   base(o)    = o.parent if set, else Default (for every object but Default itself), else none
 * So Default reaches children of templates through the end of the chain. Inherited fields that do not apply to the
 * object's type are dropped silently (a Default workerGroup must not land on an Ec2Resource).
 */
import type { Field, PipelineObject } from '../../protocol/shapes.js';
import { knownFields } from './types/descriptor.js';
import { getDescriptor } from './types/registry.js';

export const DEFAULT_ID = 'Default';

export type ObjectIndex = ReadonlyMap<string, PipelineObject>;

/** id -> object. With duplicate ids the first one wins (duplicates are a validation error anyway). */
export function buildIndex(objects: readonly PipelineObject[]): Map<string, PipelineObject> {
  const index = new Map<string, PipelineObject>();
  for (const o of objects) if (o.id !== undefined && !index.has(o.id)) index.set(o.id, o);
  return index;
}

/** Thrown when a `parent` chain loops; `cycle` lists the ids, first id repeated at the end. */
export class ParentCycleError extends Error {
  readonly cycle: readonly string[];
  constructor(cycle: readonly string[]) {
    super(`'parent' cycle: ${cycle.join(' -> ')}`);
    this.name = 'ParentCycleError';
    this.cycle = cycle;
  }
}

/** The explicit `parent` reference of an object, if any (a string value is not a reference, so not followed). */
export function explicitParent(o: PipelineObject): string | undefined {
  return o.fields?.find((f) => f.key === 'parent' && f.refValue !== undefined)?.refValue;
}

/** The object `o` inherits from directly: its parent, else Default. */
export function baseOf(index: ObjectIndex, o: PipelineObject): string | undefined {
  if (o.fields?.some((f) => f.key === 'parent')) return explicitParent(o);
  return o.id !== DEFAULT_ID && index.has(DEFAULT_ID) ? DEFAULT_ID : undefined;
}

/**
 * Ids from `id` up its inheritance chain (id first). Stops at a missing parent. Throws ParentCycleError on a loop.
 */
export function inheritanceChain(index: ObjectIndex, id: string): string[] {
  const chain: string[] = [];
  let cur: string | undefined = id;
  while (cur !== undefined) {
    const at = chain.indexOf(cur);
    if (at >= 0) throw new ParentCycleError([...chain.slice(at), cur]);
    const o = index.get(cur);
    if (!o) break;
    chain.push(cur);
    cur = baseOf(index, o);
  }
  return chain;
}

/** Raw resolution: own fields first, then each ancestor's fields for keys nobody nearer has set. */
function mergeChain(index: ObjectIndex, chain: readonly string[]): { fields: Field[]; ownCount: number } {
  const fields: Field[] = [];
  const seen = new Set<string>();
  let ownCount = 0;
  chain.forEach((cid, depth) => {
    const own = index.get(cid)?.fields ?? [];
    // `parent` describes an object's own chain; it is never inherited.
    const add = own.filter((f) => !seen.has(f.key as string) && (depth === 0 || f.key !== 'parent'));
    fields.push(...add);
    if (depth === 0) ownCount = add.length;
    // mark after the whole object so all repeated values of one key come through together
    for (const f of add) seen.add(f.key as string);
  });
  return { fields, ownCount };
}

/** Inherited keys a system-managed precondition ignores: only a routing set on the object itself counts. */
const NOT_INHERITED_BY_SYSTEM_MANAGED = new Set(['workerGroup', 'runsOn']);

/** User-defined fields (`my...`) travel everywhere: the service never judges them by type. */
function isUserField(key: string): boolean {
  return key.startsWith('my');
}

/** The effective fields of object `id` in an index (see resolveFields). */
export function resolveFieldsIn(index: ObjectIndex, id: string): Field[] {
  const { fields, ownCount } = mergeChain(index, inheritanceChain(index, id));
  const type = fields.find((f) => f.key === 'type')?.stringValue;
  const d = type !== undefined ? getDescriptor(type) : undefined;
  if (!d) return fields; // Default, templates and unknown types keep everything
  const known = knownFields(d);
  return fields.filter((f, i) => {
    if (i < ownCount) return true;
    const key = f.key as string;
    if (d.systemManaged && NOT_INHERITED_BY_SYSTEM_MANAGED.has(key)) return false;
    return known.has(key) || isUserField(key);
  });
}

/**
 * The effective fields of object `id` after `parent`/`Default` inheritance (scheduler.md 1.3): own fields first, in
 * their order, then inherited ones. Unknown id -> []. Throws ParentCycleError when the parent chain loops.
 */
export function resolveFields(objects: readonly PipelineObject[], id: string): Field[] {
  return resolveFieldsIn(buildIndex(objects), id);
}

/** The resolved `type` of an object (a child inherits its template's type), if any. */
export function typeOfIn(index: ObjectIndex, id: string): string | undefined {
  try {
    return resolveFieldsIn(index, id).find((f) => f.key === 'type')?.stringValue;
  } catch {
    return index.get(id)?.fields?.find((f) => f.key === 'type')?.stringValue;
  }
}
