/** How SQL executors turn what they throw into an outcome: SQL and task failures keep their errorId. */
import { isSqlFailure } from '../sql/errors.js';
import { TaskFailure } from './executor.js';
import type { ExecutionContext, Outcome } from './executor.js';

export async function sqlOutcome(ctx: ExecutionContext, work: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await work();
  } catch (err) {
    if (isSqlFailure(err) || err instanceof TaskFailure) {
      ctx.log.error(`${ctx.task.componentId}: ${err.errorId}: ${err.message}`);
      return { status: 'FAILED', errorId: err.errorId, errorMessage: err.message };
    }
    throw err;
  }
}
