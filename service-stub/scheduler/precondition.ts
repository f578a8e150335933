/**
 * A precondition check that said "not yet" (SetTaskStatus FALSE): the same attempt is checked again after the
 * precondition's retryDelay, without using up a retry, until preconditionTimeout (from the first check) runs out.
 */
import { formatDateTime } from '../../protocol/datetime.js';
import type { Tx } from '../core/services.js';
import type { ObjectRow } from '../store/objects.js';
import { getObject, updateObject } from '../store/objects.js';
import { runDefinition } from './run-definition.js';
import { periodFieldMs, retryDelayMs } from './timing.js';
import { failInstance } from './transitions.js';

export async function preconditionFalse(tx: Tx, attempt: ObjectRow): Promise<void> {
  const inst = await getObject(tx.q, attempt.pipeline_id, attempt.instance_id as string, true);
  if (!inst) return;
  const def = await runDefinition(tx.q, inst.pipeline_id, inst.run_id);
  const limits = tx.services.limits;
  const firstCheck = inst.first_check_at?.getTime() ?? Date.parse(`${attempt.actual_start ?? inst.scheduled_start}Z`);
  const timeout = periodFieldMs(def, inst.component_id, 'preconditionTimeout', limits);
  const checks = (attempt.fields.currentRetryCount ?? 0) + 1;
  const now = formatDateTime(tx.now);

  if (timeout !== undefined && tx.now - firstCheck >= timeout) {
    const message = `Precondition ${inst.component_id} was not met within its preconditionTimeout (${def.value(inst.component_id, 'preconditionTimeout')}, ${checks} checks)`;
    await updateObject(tx.q, attempt, {
      status: 'FAILED',
      actual_end: now,
      ack_deadline: null,
      progress_deadline: null,
      attempt_deadline: null,
      fields: { errorId: 'Service_PreconditionTimeout', errorMessage: message, currentRetryCount: checks, lastRetryTime: now },
    });
    await failInstance(tx, inst, 'FAILED', { errorId: 'Service_PreconditionTimeout', errorMessage: message });
    return;
  }
  await updateObject(tx.q, attempt, {
    status: 'WAITING_FOR_RUNNER',
    task_id: null,
    ack_deadline: null,
    progress_deadline: null,
    attempt_deadline: null,
    available_at: new Date(tx.now + retryDelayMs(def, inst.component_id, limits)),
    fields: { currentRetryCount: checks, lastRetryTime: now },
    clearFields: ['reportedStatus'],
  });
  await updateObject(tx.q, inst, {
    status: 'WAITING_FOR_RUNNER',
    ...(inst.first_check_at ? {} : { first_check_at: new Date(firstCheck) }),
  });
}
