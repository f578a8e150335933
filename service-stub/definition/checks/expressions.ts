/** `#{...}` expressions: each must scan cleanly; every `myX` / `*myX` must be a declared parameter or a field. */
import { scanExpressions } from '../../expressions/index.js';
import { msg, q } from '../report.js';
import { type Ctx, isDynamic } from './context.js';

/** Values never evaluated (scheduler.md 9.1): ids, names, types, references. */
const NOT_EVALUATED = new Set(['type', 'id', 'name', 'parent']);

export function checkExpressions(ctx: Ctx): void {
  // A `#{myX}` may name a user field of the object or of the objects it reaches (`node`, input...) instead of a
  // parameter: accept any field name the pipeline defines, so only true strays are reported.
  const fieldNames = new Set<string>();
  for (const o of ctx.objects) for (const f of o.fields ?? []) if (f.key) fieldNames.add(f.key);
  for (const [id, o] of ctx.index) {
    for (const f of o.fields ?? []) {
      const key = f.key ?? '';
      const v = f.stringValue;
      if (v === undefined || NOT_EVALUATED.has(key) || !isDynamic(v)) continue;
      const scan = scanExpressions(v);
      if (scan.error !== undefined) {
        ctx.error(id, msg('INVALID_EXPRESSION', `${q(key)} value ${q(v)} has an invalid expression: ${scan.error}`));
        continue;
      }
      const reported = new Set<string>();
      for (const ident of scan.identifiers) {
        const head = ident.split('.')[0];
        if (!/^\*?my/.test(head) || reported.has(head)) continue;
        if (ctx.declaredParams.has(head) || fieldNames.has(head)) continue;
        reported.add(head);
        ctx.error(id, msg('UNDECLARED_PARAMETER', `${q(key)} value ${q(v)} references #{${head}}, which is not a declared parameter`));
      }
    }
  }
}
