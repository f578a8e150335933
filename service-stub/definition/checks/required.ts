/** Required fields and "one of" groups, after inheritance (scheduler.md 1.4). */
import { msg, q } from '../report.js';
import { ROUTING_GROUP } from '../types/common.js';
import { first, type Ctx } from './context.js';

/** 'a' or 'b'; 'a', 'b' or 'c' */
export function orList(keys: readonly string[]): string {
  const quoted = keys.map((k) => `'${k}'`);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

function isRoutingGroup(g: readonly string[]): boolean {
  return g.length === ROUTING_GROUP.length && ROUTING_GROUP.every((k) => g.includes(k));
}

export function checkRequired(ctx: Ctx): void {
  for (const { id, d, fields } of ctx.typed()) {
    const has = (k: string): boolean => fields.some((f) => f.key === k);
    for (const k of d.required) if (!has(k)) ctx.error(id, msg('MISSING_REQUIRED_FIELD', `'${k}' is required`));
    for (const k of d.awsRequired ?? []) {
      if (!has(k)) ctx.warn(id, msg('MISSING_REQUIRED_FIELD', `'${k}' is missing: AWS Data Pipeline requires it, this server accepts a ${d.type} without it`));
    }
    for (const g of d.exactlyOneOf) {
      const present = g.filter(has);
      if (present.length === 0) {
        const why = isRoutingGroup(g) ? ': without either the task never leaves WAITING_FOR_RUNNER' : '';
        ctx.error(id, msg('MISSING_REQUIRED_FIELD', `${orList(g)} is required${why}`));
      } else if (present.length > 1 && !isRoutingGroup(g)) {
        // runsOn + workerGroup together is fine: runsOn wins (scheduler.md 3.3)
        const found = present.map((k) => `'${k}' = ${q(first(fields, k))}`).join(' and ');
        ctx.error(id, msg('INVALID_FIELD_VALUE', `only one of ${orList(g)} may be set; found ${found}`));
      }
    }
  }
}
