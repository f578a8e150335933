/** References: every ref must name an object of the pipeline; typed fields must point at the right kind/type. */
import { DEFAULT_ID } from '../inherit.js';
import { msg, q } from '../report.js';
import { KIND_LABEL, type ObjectKind } from '../types/descriptor.js';
import type { Ctx } from './context.js';

/** Own refs of every object (Default, templates and user fields included) must resolve. */
export function checkRefsExist(ctx: Ctx): void {
  for (const [id, o] of ctx.index)
    for (const f of o.fields ?? [])
      if (f.refValue !== undefined && !ctx.index.has(f.refValue))
        ctx.error(id, msg('INVALID_REFERENCE', `${q(f.key)} references ${q(f.refValue)}, which is not an object of this pipeline`));
}

function label(kinds: readonly ObjectKind[], types: readonly string[] | undefined): string {
  const names = types && types.length > 0 ? types : kinds.map((k) => KIND_LABEL[k]);
  return names.map((n) => `'${n}'`).join(' or ');
}

/**
 * Resolved refs of typed objects point at the documented kind, e.g. the observed AWS text
 * `'schedule' values must be of type 'Schedule'. Found values of type 'Default'`.
 */
export function checkRefKinds(ctx: Ctx): void {
  for (const { id, d, fields } of ctx.typed()) {
    for (const f of fields) {
      const key = f.key ?? '';
      const target = f.refValue;
      const kinds = d.refs[key];
      if (target === undefined || !kinds || !ctx.index.has(target)) continue;
      const td = ctx.descriptorOf(target);
      const types = d.refTypes?.[key];
      const ok = td !== undefined && kinds.includes(td.kind) && (!types || types.includes(td.type));
      if (ok) continue;
      const found = ctx.typeOf(target) ?? (target === DEFAULT_ID ? 'Default' : '(none)');
      ctx.error(
        id,
        msg('INVALID_FIELD_VALUE', `${q(key)} values must be of type ${label(kinds, types)}. Found values of type '${found}' (${q(target)})`),
      );
    }
  }
}
