import { s } from '../../protocol/codec.js';
import { InvalidRequestException } from '../../protocol/errors.js';
import { lockPipeline } from '../core/services.js';
import { markFinished, pauseComponent, rerun, resumeComponent, tryCancel } from '../scheduler/operator.js';
import type { ObjectRow } from '../store/objects.js';
import { getObjects } from '../store/objects.js';
import { getDefinition, livePipeline } from '../store/pipelines.js';
import { defineOperation } from './operation.js';

const COMPONENT_STATUSES = ['PAUSE', 'RESUME'];
const INSTANCE_STATUSES = ['TRY_CANCEL', 'RERUN', 'MARK_FINISHED'];

/** Components take PAUSE / RESUME; instances (or attempts, meaning their instance) TRY_CANCEL / RERUN / MARK_FINISHED. */
export const setStatus = defineOperation<{ pipelineId: string; objectIds: string[]; status: string }, undefined>({
  name: 'SetStatus',
  input: s.struct({ pipelineId: s.id, objectIds: s.list(s.id), status: s.string }, ['pipelineId', 'objectIds', 'status']),
  async run({ services }, input) {
    const status = input.status.toUpperCase();
    if (![...COMPONENT_STATUSES, ...INSTANCE_STATUSES].includes(status)) {
      throw new InvalidRequestException(
        `Invalid status '${input.status}': components take PAUSE or RESUME, instances TRY_CANCEL, RERUN or MARK_FINISHED`,
      );
    }
    if (!input.objectIds.length) throw new InvalidRequestException('objectIds must name at least one object');
    await services.runTx(async (tx) => {
      await lockPipeline(tx, input.pipelineId);
      const p = await livePipeline(tx.q, input.pipelineId);
      if (p.state === 'FINISHED') throw new InvalidRequestException(`Pipeline ${input.pipelineId} is FINISHED`);
      const physical = input.objectIds.filter((id) => id.startsWith('@'));
      if (physical.length && physical.length !== input.objectIds.length) {
        throw new InvalidRequestException('objectIds must be all components or all instances, not a mix');
      }
      if (!physical.length) {
        if (!COMPONENT_STATUSES.includes(status)) {
          throw new InvalidRequestException(`${status} applies to instances (ids starting with '@'); components take PAUSE or RESUME`);
        }
        const v = p.active_def ?? p.latest_def;
        const def = v === null ? undefined : await getDefinition(tx.q, input.pipelineId, v);
        const known = new Set((def?.objects ?? []).map((o) => o.id));
        const missing = input.objectIds.filter((id) => !known.has(id));
        if (missing.length) throw new InvalidRequestException(`No such component in pipeline ${input.pipelineId}: ${missing.join(', ')}`);
        for (const id of input.objectIds) {
          if (status === 'PAUSE') await pauseComponent(tx, input.pipelineId, id);
          else await resumeComponent(tx, input.pipelineId, id);
        }
        return;
      }
      if (!INSTANCE_STATUSES.includes(status)) {
        throw new InvalidRequestException(`${status} applies to components; instances take TRY_CANCEL, RERUN or MARK_FINISHED`);
      }
      const rows = await getObjects(tx.q, input.pipelineId, physical);
      const found = new Map(rows.map((r) => [r.object_id, r]));
      const missing = physical.filter((id) => !found.has(id));
      if (missing.length) throw new InvalidRequestException(`No such instance or attempt in pipeline ${input.pipelineId}: ${missing.join(', ')}`);
      const instances = new Map<string, ObjectRow>();
      for (const r of rows) {
        const id = r.sphere === 'ATTEMPT' ? (r.instance_id as string) : r.object_id;
        if (!instances.has(id)) {
          const [inst] = r.sphere === 'ATTEMPT' ? await getObjects(tx.q, input.pipelineId, [id]) : [r];
          if (inst) instances.set(id, inst);
        }
      }
      const refused: string[] = [];
      for (const inst of instances.values()) {
        if (status === 'TRY_CANCEL') await tryCancel(tx, inst);
        else if (status === 'MARK_FINISHED') await markFinished(tx, inst);
        else if (!(await rerun(tx, inst))) refused.push(`${inst.object_id} (${inst.status})`);
      }
      if (refused.length) {
        throw new InvalidRequestException(
          `RERUN refused for ${refused.join(', ')}: only ended instances can be rerun, and a CASCADE_FAILED one only once the instance it depends on no longer failed`,
        );
      }
    });
    services.log.info(`SetStatus ${status} on ${input.objectIds.join(', ')} of ${input.pipelineId}`);
    return undefined;
  },
});
