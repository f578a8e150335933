/**
 * SqlPrecondition, OUR EXTENSION type (AWS would reject it; the portable form is `taskrunner sql-check` in a
 * ShellCommandPrecondition): `query` on `database`, with `scriptArgument` values bound to `?`. Met (FINISHED)
 * when a row's first column is not false/0/NULL; otherwise FALSE; a database or query error is FAILED.
 */
import { withConnection } from '../sql/database.js';
import { checkQuery } from '../sql/run-script.js';
import { TaskFailure } from './executor.js';
import type { ExecutionContext, Executor, Outcome } from './executor.js';
import { sqlOutcome } from './sql-outcome.js';

async function run(ctx: ExecutionContext): Promise<Outcome> {
  const pre = ctx.task.attempt;
  const id = ctx.task.componentId;
  const query = pre.value('query');
  if (!query || query.trim() === '') throw new TaskFailure('InvalidSqlScript', `Object ${id}: SqlPrecondition needs a query`);
  const r = await withConnection(pre, ctx, (conn) => checkQuery(conn, query, pre.values('scriptArgument'), id));
  ctx.log.info(`${id}: precondition ${r.met ? 'met' : 'not met'}: ${r.detail}`);
  return r.met ? { status: 'FINISHED' } : { status: 'FALSE', message: `Precondition not met: ${r.detail}` };
}

export const sqlPrecondition: Executor = {
  types: ['SqlPrecondition'],
  execute: (ctx) => sqlOutcome(ctx, () => run(ctx)),
};
