/**
 * CopyActivity (taskrunner.md 3.4): one `input` and one `output` data node; the pair of node kinds picks the
 * copier. A new direction is one file under agent/copy/ plus one line in COPIERS. Copiers are imported when a
 * task needs them, so the idle agent never loads S3 or SQL code.
 */
import { abortReasonCode } from '../process/abort-reasons.js';
import type { ObjectView } from '../objects.js';
import type { Copier, CopyOptions } from '../copy/copier.js';
import { TaskFailure } from './executor.js';
import type { ExecutionContext, Executor, Outcome } from './executor.js';

type NodeKind = 's3' | 'sql';

/** Data node types CopyActivity reads and writes. MySqlDataNode is SqlDataNode with a MySQL driver (3.8). */
const KINDS: Readonly<Record<string, NodeKind>> = {
  S3DataNode: 's3',
  SqlDataNode: 'sql',
  MySqlDataNode: 'sql',
};

/** `<input kind>-to-<output kind>` -> the copier, loaded on first use. */
const COPIERS: Readonly<Record<string, () => Promise<Copier>>> = {
  's3-to-s3': async () => (await import('../copy/s3-to-s3.js')).copyS3ToS3,
  'sql-to-s3': async () => (await import('../copy/sql-to-s3.js')).copySqlToS3,
  's3-to-sql': async () => (await import('../copy/s3-to-sql.js')).copyS3ToSql,
  'sql-to-sql': async () => (await import('../copy/sql-to-sql.js')).copySqlToSql,
};

function oneNode(activity: ObjectView, field: 'input' | 'output'): ObjectView {
  const nodes = activity.refs(field);
  if (nodes.length === 1) return nodes[0];
  const given = activity.values(field);
  if (given.length === 0) throw new TaskFailure('InvalidCopyActivity', `${activity.id}: a CopyActivity needs an ${field} data node`);
  if (given.length > 1) throw new TaskFailure('InvalidCopyActivity', `${activity.id}.${field}: a CopyActivity takes exactly one ${field}, got ${given.length} (${given.join(', ')})`);
  throw new TaskFailure('InvalidCopyActivity', `${activity.id}.${field}: ${JSON.stringify(given[0])} is not an object of the task`);
}

function copierFor(activity: ObjectView, input: ObjectView, output: ObjectView): () => Promise<Copier> {
  const inKind = KINDS[input.type ?? ''];
  const outKind = KINDS[output.type ?? ''];
  const pair = `${input.type ?? '(no type)'} ${input.id} to ${output.type ?? '(no type)'} ${output.id}`;
  if (!inKind || !outKind) {
    throw new TaskFailure('UnsupportedCopy', `${activity.id}: CopyActivity cannot copy from ${pair}: it copies between ${Object.keys(KINDS).join(', ')}`);
  }
  const load = COPIERS[`${inKind}-to-${outKind}`];
  if (!load) throw new TaskFailure('UnsupportedCopy', `${activity.id}: copying from ${pair} is not supported by this Task Runner yet`);
  return load;
}

/**
 * A TaskFailure by shape, not by class: the copier is loaded with import(), and a runner that loads this file
 * as CommonJS (tsx under mocha) gets a second copy of executor.ts there, whose TaskFailure fails instanceof.
 */
function asFailure(err: unknown): { errorId: string; message: string } | undefined {
  if (err instanceof TaskFailure) return err;
  const id = (err as { errorId?: unknown } | null)?.errorId;
  return err instanceof Error && typeof id === 'string' && id !== '' ? { errorId: id, message: err.message } : undefined;
}

/** `o` injects the progress timer (tests); the registry uses the defaults. */
export function createCopyActivity(o: CopyOptions = {}): Executor {
  return {
    types: ['CopyActivity'],
    async execute(ctx: ExecutionContext): Promise<Outcome> {
      const activity = ctx.task.attempt;
      try {
        const input = oneNode(activity, 'input');
        const output = oneNode(activity, 'output');
        const copier = await copierFor(activity, input, output)();
        const s = await copier({ ctx, activity, input, output, options: o });
        ctx.log.info(
          `Copy done (${s.mode === 'server-side' ? 'server-side' : 'record by record'}): ${s.objects} object(s) written` +
            `${s.mode === 'records' ? `, ${s.records} records, ${s.bytesRead} bytes read` : `, ${s.bytesRead} bytes`}`,
        );
        return { status: 'FINISHED' };
      } catch (err) {
        const f = asFailure(err);
        if (f) return { status: 'FAILED', errorId: f.errorId, errorMessage: f.message };
        if (ctx.signal.aborted) {
          // task.ts turns timeouts, shutdown and cancel into their own outcomes; this covers any other abort.
          return { status: 'FAILED', errorId: 'Aborted', errorMessage: `${activity.id}: the copy was stopped (${abortReasonCode(ctx.signal.reason)})` };
        }
        throw err;
      }
    },
  };
}

export const copyActivity: Executor = createCopyActivity();
