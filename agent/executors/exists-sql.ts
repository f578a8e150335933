/**
 * Exists on a SqlDataNode / MySqlDataNode: its `table` exists (information_schema, in `schemaName` when given,
 * else the connection's current schema/database). Not there is FALSE; a connection failure is FAILED.
 */
import type { ObjectView } from '../objects.js';
import { withConnection } from '../sql/database.js';
import { tableExists } from '../sql/run-script.js';
import { TaskFailure } from './executor.js';
import type { ExecutionContext, Outcome } from './executor.js';
import { sqlOutcome } from './sql-outcome.js';

export function sqlDataNodeExists(ctx: ExecutionContext, node: ObjectView): Promise<Outcome> {
  return sqlOutcome(ctx, async () => {
    const table = node.value('table')?.trim();
    if (!table) throw new TaskFailure('InvalidDataNode', `Object ${node.id} (${node.type ?? 'SqlDataNode'}) has no table`);
    const schema = node.value('schemaName')?.trim() || undefined;
    const name = schema ? `${schema}.${table}` : table;
    const found = await withConnection(node, ctx, (conn) => tableExists(conn, table, schema));
    ctx.log.info(`${ctx.task.componentId}: table ${name} of ${node.id} ${found ? 'exists' : 'does not exist'}`);
    return found ? { status: 'FINISHED' } : { status: 'FALSE', message: `Table ${name} of ${node.id} does not exist` };
  });
}
