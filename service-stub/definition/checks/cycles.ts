/** `parent` cycles and dependency cycles (dependsOn, input, output producers, precondition). */
import { inheritanceChain, ParentCycleError } from '../inherit.js';
import { msg, q } from '../report.js';
import { first, type Ctx } from './context.js';

export function checkParentCycles(ctx: Ctx): void {
  for (const id of ctx.index.keys()) {
    try {
      inheritanceChain(ctx.index, id);
    } catch (e) {
      if (!(e instanceof ParentCycleError)) throw e;
      const path = e.cycle.join(' -> ');
      const parent = first(ctx.own(id), 'parent');
      if (e.cycle.includes(id))
        ctx.error(id, msg('CIRCULAR_REFERENCE', `'parent' value ${q(parent)} forms an inheritance cycle: ${path}`));
      else ctx.error(id, msg('CIRCULAR_REFERENCE', `'parent' value ${q(parent)} leads into the inheritance cycle ${path}`));
    }
  }
}

interface Edge {
  readonly to: string;
  readonly via: string; // how the dependency arises, for the message
}

/** Who waits for whom (scheduler.md 3.1): consumer -> input, node -> producing activity, X -> dependsOn/precondition. */
function dependencyGraph(ctx: Ctx): Map<string, Edge[]> {
  const g = new Map<string, Edge[]>();
  const add = (from: string, e: Edge): void => {
    if (!ctx.index.has(e.to)) return; // missing targets are reported by the reference check
    const list = g.get(from);
    if (list) list.push(e);
    else g.set(from, [e]);
  };
  for (const { id, d, fields } of ctx.typed()) {
    if (d.kind !== 'activity' && d.kind !== 'datanode' && d.kind !== 'precondition') continue;
    for (const f of fields) {
      if (f.refValue === undefined) continue;
      if (f.key === 'dependsOn' || f.key === 'precondition') add(id, { to: f.refValue, via: `'${f.key}'` });
      else if (f.key === 'input' && d.kind === 'activity') add(id, { to: f.refValue, via: "'input'" });
      else if (f.key === 'output' && d.kind === 'activity') add(f.refValue, { to: id, via: "'output' of activity" });
    }
  }
  return g;
}

/** Report every elementary cycle found by a depth-first search once, on each object in it. */
export function checkDependencyCycles(ctx: Ctx): void {
  const g = dependencyGraph(ctx);
  const state = new Map<string, 'active' | 'done'>();
  const stack: { id: string; via?: string }[] = [];
  const seen = new Set<string>();
  const visit = (id: string, via?: string): void => {
    state.set(id, 'active');
    stack.push({ id, via });
    for (const e of g.get(id) ?? []) {
      const s = state.get(e.to);
      if (s === 'active') report(e);
      else if (s === undefined) visit(e.to, e.via);
    }
    stack.pop();
    state.set(id, 'done');
  };
  const report = (closing: Edge): void => {
    const at = stack.findIndex((s) => s.id === closing.to);
    const members = stack.slice(at);
    const key = members.map((m) => m.id).sort().join('\u0000');
    if (seen.has(key)) return;
    seen.add(key);
    const path = [...members.map((m) => m.id), closing.to].join(' -> ');
    // the edge leaving each member: the next member's `via`, or the closing edge for the last one
    members.forEach((m, i) => {
      const next = members[i + 1];
      const via = next ? next.via : closing.via;
      const to = next ? next.id : closing.to;
      ctx.error(m.id, msg('CIRCULAR_DEPENDENCY', `dependency cycle through ${via} ${q(to)}: ${path}`));
    });
  };
  for (const id of [...g.keys()].sort()) if (!state.has(id)) visit(id);
}
