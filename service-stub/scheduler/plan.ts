/**
 * Plan one run of a definition: the instances it has and the edges between them (scheduler.md 2.3, 3.1).
 * Pure: no store, no clock, so the rules are testable on their own.
 */
import type { CompiledDefinition } from '../core/compiled.js';
import type { InstanceKind } from '../store/objects.js';

export interface PlannedInstance {
  id: string;
  componentId: string;
  kind: InstanceKind;
  /** For a precondition instance: the instance it guards. */
  referrerId?: string;
  workerGroup?: string;
  triesLeft?: number;
}

export interface PlannedEdge {
  instanceId: string;
  dependsOn: string;
  edge: 'dependsOn' | 'input' | 'output' | 'precondition';
}

export interface RunPlan {
  instances: PlannedInstance[];
  edges: PlannedEdge[];
}

export function instanceId(componentId: string, time: string): string {
  return `@${componentId}_${time}`;
}

export function attemptId(instanceIdText: string, n: number): string {
  return `${instanceIdText}_Attempt=${n}`;
}

/** Where a runnable object's tasks go: `runsOn` beats `workerGroup` (a runsOn resource id acts as the group). */
function ownWorkerGroup(def: CompiledDefinition, id: string): string | undefined {
  return def.value(id, 'runsOn') ?? def.value(id, 'workerGroup') ?? undefined;
}

export function planRun(def: CompiledDefinition, time: string, defaultMaximumRetries: number): RunPlan {
  const instances: PlannedInstance[] = [];
  const edges: PlannedEdge[] = [];
  const instOf = new Map<string, string>();
  const kinds = new Map<string, InstanceKind>();

  for (const id of def.ids()) {
    const k = def.kindOf(id);
    if (k === 'activity' || k === 'datanode') {
      kinds.set(id, k);
      instOf.set(id, instanceId(id, time));
    }
  }
  const retries = (id: string) => {
    const v = Number(def.value(id, 'maximumRetries'));
    return Number.isInteger(v) && v >= 0 ? v : defaultMaximumRetries;
  };

  // Who reads each data node: a node's precondition falls back to its first consumer's worker group.
  const consumers = new Map<string, string>();
  for (const [id, k] of kinds) {
    if (k !== 'activity') continue;
    for (const input of def.values(id, 'input')) if (!consumers.has(input)) consumers.set(input, id);
  }
  const groupOf = (id: string): string | undefined => {
    const own = ownWorkerGroup(def, id);
    if (own) return own;
    const consumer = consumers.get(id);
    return consumer ? ownWorkerGroup(def, consumer) : undefined;
  };

  // Preconditions referenced by several objects get one instance per referrer.
  const referrers = new Map<string, string[]>();
  for (const id of kinds.keys()) {
    for (const p of def.values(id, 'precondition')) {
      if (def.kindOf(p) !== 'precondition') continue;
      const list = referrers.get(p) ?? [];
      if (!list.includes(id)) list.push(id);
      referrers.set(p, list);
    }
  }

  const ownEdges = new Map<string, PlannedEdge[]>();
  for (const [id, k] of kinds) {
    const inst = instOf.get(id) as string;
    const list: PlannedEdge[] = [];
    if (k === 'activity') {
      for (const d of def.values(id, 'dependsOn')) {
        const di = instOf.get(d);
        if (di && di !== inst) list.push({ instanceId: inst, dependsOn: di, edge: 'dependsOn' });
      }
      for (const d of def.values(id, 'input')) {
        const di = instOf.get(d);
        if (di) list.push({ instanceId: inst, dependsOn: di, edge: 'input' });
      }
    } else {
      for (const [a, ak] of kinds) {
        if (ak === 'activity' && def.values(a, 'output').includes(id)) {
          list.push({ instanceId: inst, dependsOn: instOf.get(a) as string, edge: 'output' });
        }
      }
    }
    ownEdges.set(id, list);
    instances.push({
      id: inst,
      componentId: id,
      kind: k,
      workerGroup: k === 'activity' ? ownWorkerGroup(def, id) : undefined,
      triesLeft: k === 'activity' ? retries(id) : undefined,
    });
    edges.push(...list);
  }

  for (const [p, refs] of referrers) {
    for (const r of refs) {
      const rInst = instOf.get(r) as string;
      const pInst = refs.length === 1 ? instanceId(p, time) : instanceId(`${p}_${r}`, time);
      instances.push({
        id: pInst,
        componentId: p,
        kind: 'precondition',
        referrerId: rInst,
        workerGroup: ownWorkerGroup(def, p) ?? groupOf(r),
        triesLeft: retries(p),
      });
      // A precondition is checked once everything else its referrer waits for is done.
      for (const e of ownEdges.get(r) ?? []) edges.push({ instanceId: pInst, dependsOn: e.dependsOn, edge: e.edge });
      edges.push({ instanceId: rInst, dependsOn: pInst, edge: 'precondition' });
    }
  }
  return { instances, edges };
}
