/** Object-level structure: ids, types, field names, unknown fields, value kinds and size limits. */
import type { Field } from '../../../protocol/shapes.js';
import { DEFAULT_ID } from '../inherit.js';
import { msg, q } from '../report.js';
import { knownFields } from '../types/descriptor.js';
import { DESCRIPTORS, getDescriptor } from '../types/registry.js';
import type { Ctx } from './context.js';

export const MAX_VALUE_BYTES = 10_240;
export const MAX_KEY_BYTES = 256;
export const MAX_OBJECT_BYTES = 15_360;
export const MAX_FIELDS = 50;

/** Every field any type knows: typeless templates are checked against this union. */
const ALL_KNOWN: ReadonlySet<string> = new Set(DESCRIPTORS.flatMap((d) => [...knownFields(d)]));

/** `my` + upper-case letter or `_` (scheduler.md 1.2), after an optional `*` (encrypted user field). */
const USER_FIELD = /^\*?my[A-Z_]/;

function bytes(s: string | undefined): number {
  return s === undefined ? 0 : Buffer.byteLength(s, 'utf8');
}

export function checkDuplicateIds(ctx: Ctx): void {
  const count = new Map<string, number>();
  for (const o of ctx.objects) if (o.id) count.set(o.id, (count.get(o.id) ?? 0) + 1);
  for (const [id, n] of count)
    if (n > 1) ctx.error(id, msg('DUPLICATE_OBJECT_ID', `object id ${q(id)} is used by ${n} objects; ids must be unique`));
}

export function checkTypes(ctx: Ctx): void {
  for (const id of ctx.index.keys()) {
    const type = ctx.typeOf(id);
    if (type === undefined) {
      // Default has no type; typeless objects used only as `parent` are templates (scheduler.md 1.2)
      if (id !== DEFAULT_ID && !ctx.parentTargets.has(id)) ctx.error(id, msg('MISSING_REQUIRED_FIELD', "'type' is required"));
    } else if (!getDescriptor(type)) {
      ctx.error(id, msg('INVALID_FIELD_VALUE', `'type' value ${q(type)} is not a known object type`));
    } else if (getDescriptor(type)?.extension) {
      ctx.warn(id, msg('NON_AWS_TYPE', `'type' value ${q(type)} is an extension of this server; AWS Data Pipeline would reject it`));
    }
  }
}

function isKnown(known: ReadonlySet<string>, key: string): boolean {
  return known.has(key) || known.has(`*${key}`) || (key.startsWith('*') && known.has(key.slice(1)));
}

/** Names: `@` fields are the service's; `my...` must be followed by an upper-case letter or `_`; unknown = warning. */
export function checkFieldNames(ctx: Ctx): void {
  for (const [id, o] of ctx.index) {
    const d = ctx.descriptorOf(id);
    const warned = new Set<string>();
    for (const f of o.fields ?? []) {
      const key = f.key ?? '';
      if (key.startsWith('@')) {
        ctx.error(id, msg('INVALID_FIELD_NAME', `${q(key)} is a runtime field set by the service; a definition cannot set it`));
      } else if (/^\*?my/.test(key)) {
        if (!USER_FIELD.test(key))
          ctx.error(
            id,
            msg('INVALID_FIELD_NAME', `user-defined field ${q(key)} must start with 'my' followed by an upper-case letter or '_'`),
          );
      } else if (!warned.has(key) && !isKnown(d ? knownFields(d) : ALL_KNOWN, key)) {
        warned.add(key);
        // only fields set on the object itself: inherited ones that do not apply are dropped silently (1.3)
        const where = d ? `type '${d.type}'` : 'any object type';
        ctx.warn(id, msg('UNKNOWN_FIELD', `${q(key)} (value ${q(f.refValue ?? f.stringValue)}) is not a field of ${where}`));
      }
    }
  }
}

/** Reference fields must hold references and string fields strings (own fields of typed objects; parent everywhere). */
export function checkValueKinds(ctx: Ctx): void {
  for (const [id, o] of ctx.index) {
    const d = ctx.descriptorOf(id);
    for (const f of o.fields ?? []) {
      const key = f.key ?? '';
      if (key === 'parent') {
        if (f.stringValue !== undefined)
          ctx.error(id, msg('INVALID_FIELD_VALUE', `'parent' must be a reference ({"ref": ...}); found the string ${q(f.stringValue)}`));
        continue;
      }
      if (!d || USER_FIELD.test(key)) continue;
      const isRefField = Object.prototype.hasOwnProperty.call(d.refs, key);
      if (isRefField && f.stringValue !== undefined)
        ctx.warn(id, msg('INVALID_FIELD_VALUE', `${q(key)} should be a reference ({"ref": ...}); found the string ${q(f.stringValue)}`));
      else if (!isRefField && f.refValue !== undefined && isKnown(knownFields(d), key))
        ctx.error(id, msg('INVALID_FIELD_VALUE', `${q(key)} must be a string value; found a reference to ${q(f.refValue)}`));
    }
  }
}

/** Limits page / API model sizes (scheduler.md 11): per value, per key, per object, fields per object. */
export function checkSizes(ctx: Ctx): void {
  for (const [id, o] of ctx.index) {
    const fields: readonly Field[] = o.fields ?? [];
    let total = 0;
    for (const f of fields) {
      const k = bytes(f.key);
      const v = bytes(f.stringValue ?? f.refValue);
      total += k + v;
      if (k > MAX_KEY_BYTES)
        ctx.error(id, msg('FIELD_LIMIT_EXCEEDED', `field name ${q(f.key)} is ${k} bytes (maximum ${MAX_KEY_BYTES})`));
      if (v > MAX_VALUE_BYTES)
        ctx.error(id, msg('FIELD_LIMIT_EXCEEDED', `${q(f.key)} value ${q(f.stringValue)} is ${v} bytes (maximum ${MAX_VALUE_BYTES})`));
    }
    if (fields.length > MAX_FIELDS)
      ctx.error(id, msg('OBJECT_LIMIT_EXCEEDED', `object has ${fields.length} fields (maximum ${MAX_FIELDS})`));
    if (total > MAX_OBJECT_BYTES)
      ctx.error(id, msg('OBJECT_LIMIT_EXCEEDED', `object fields total ${total} bytes (maximum ${MAX_OBJECT_BYTES}, field names included)`));
  }
}
