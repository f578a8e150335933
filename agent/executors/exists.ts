/**
 * Exists (taskrunner.md 3.7): whether the data node the precondition guards (its `node` reference) exists.
 * What "exists" means depends on the node's type: one entry per type in EXISTS_CHECKS.
 */
import { checkS3 } from '../s3/check.js';
import type { ObjectView } from '../objects.js';
import type { ExecutionContext, Executor, Outcome } from './executor.js';
import { sqlDataNodeExists } from './exists-sql.js';

type ExistsCheck = (ctx: ExecutionContext, node: ObjectView) => Promise<Outcome>;

/** S3DataNode: the `filePath` object is present, or the `directoryPath` prefix has objects. */
const s3DataNodeExists: ExistsCheck = (ctx, node) =>
  node.value('filePath') ? checkS3(ctx, node, 'filePath', 'object') : checkS3(ctx, node, 'directoryPath', 'directory');

/** Data node type -> its check. Adding a type is one entry. */
export const EXISTS_CHECKS: Readonly<Record<string, ExistsCheck>> = {
  S3DataNode: s3DataNodeExists,
  SqlDataNode: sqlDataNodeExists,
  MySqlDataNode: sqlDataNodeExists,
};

async function execute(ctx: ExecutionContext): Promise<Outcome> {
  const attempt = ctx.task.attempt;
  const node = attempt.ref('node');
  if (!node) {
    return { status: 'FAILED', errorId: 'ExistsWithoutNode', errorMessage: `${attempt.id}: Exists needs the data node it guards (its node reference), and the task carries none` };
  }
  const check = node.type !== undefined ? EXISTS_CHECKS[node.type] : undefined;
  if (!check) {
    return {
      status: 'FAILED',
      errorId: 'ExistsUnsupportedNode',
      errorMessage: `${attempt.id}: Exists on ${node.id} of type ${node.type ?? '(none)'} is not supported by this agent; it checks ${Object.keys(EXISTS_CHECKS).sort().join(', ')}`,
    };
  }
  return check(ctx, node);
}

export const exists: Executor = { types: ['Exists'], execute };
