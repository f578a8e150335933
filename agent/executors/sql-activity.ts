/**
 * SqlActivity (taskrunner.md 3.5): the script (or scriptUri) split on unquoted `;`, run statement by statement on
 * one connection to `database`, with `scriptArgument` values bound to the `?` placeholders in order across the
 * statements. `queue` sets Redshift's query_group first. The query results are not written anywhere.
 */
import { withConnection } from '../sql/database.js';
import { bindScript, runStatements, statementFailure } from '../sql/run-script.js';
import { loadScript } from '../sql/script-source.js';
import { firstLine } from '../sql/split-statements.js';
import type { ExecutionContext, Executor, Outcome } from './executor.js';
import { sqlOutcome } from './sql-outcome.js';

async function run(ctx: ExecutionContext): Promise<Outcome> {
  const act = ctx.task.attempt;
  const id = ctx.task.componentId;
  const script = await loadScript(act, ctx.resources, ctx.signal);
  const args = act.values('scriptArgument');
  const queue = act.value('queue')?.trim();
  await withConnection(act, ctx, async (conn) => {
    const statements = bindScript(script, conn.dialect, args, id);
    if (queue) {
      if (conn.kind === 'redshift') {
        const set = `SET query_group TO '${queue.replace(/'/g, "''")}'`;
        await conn.query(set).catch((err: unknown) => {
          throw statementFailure(err, { number: 0, sql: set }, statements.length, id);
        });
      }
      else ctx.log.warn(`${id}: queue ${queue} is ignored: it applies to Redshift only (this database is ${conn.kind})`);
    }
    ctx.log.info(`${id}: running ${statements.length} statement(s) with ${args.length} argument(s)`);
    await runStatements(conn, statements, id, (s, r, ms) => ctx.log.info(`${id}: statement ${s.number} done in ${ms} ms (${r.rowCount} row(s)): ${firstLine(s.sql)}`));
  });
  return { status: 'FINISHED' };
}

export const sqlActivity: Executor = {
  types: ['SqlActivity'],
  execute: (ctx) => sqlOutcome(ctx, () => run(ctx)),
};
