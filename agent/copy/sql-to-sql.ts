/**
 * CopyActivity between two SqlDataNodes / MySqlDataNodes, engines may differ (e.g. PostgreSQL -> MariaDB):
 * the input's `selectQuery` (or `select * from <schemaName.>table`) read through a server-side cursor, each row
 * bound to the output's `insertQuery` in order, in batches, all in one transaction (sql-writer.ts). Values pass
 * natively (booleans, numbers, binary) or as the source's text (decimals, 64-bit integers, text); temporal
 * values are normalised as for files (render.ts toParam): UTC, no offset, fraction only when not zero.
 */
import type { SqlValue } from '../sql/connection.js';
import type { Connection } from '../sql/connection.js';
import { rowParams } from '../sql/render.js';
import type { CopyRequest, CopySummary } from './copier.js';
import { CopyProgress } from './progress.js';
import { connectNode, doing, selectSql, sqlFailure, sqlNode } from './sql-node.js';
import { insertAll, prepareTarget } from './sql-writer.js';
import type { SourceRecord } from './sql-writer.js';

export async function copySqlToSql(req: CopyRequest): Promise<CopySummary> {
  const { ctx, input, output } = req;
  const src = await sqlNode(input, ctx);
  const dst = await sqlNode(output, ctx);
  const query = selectSql(src);
  const progress = new CopyProgress((l) => ctx.log.info(l), `copy ${input.id} -> ${output.id}`, req.options);
  const opened: Connection[] = [];
  let rows = 0;
  try {
    const inConn = await connectNode(src, ctx);
    opened.push(inConn);
    const outConn = await connectNode(dst, ctx);
    opened.push(outConn);
    const target = await prepareTarget(dst, outConn, ctx);
    ctx.log.info(`Copying the rows of ${input.id} (${src.where}) into ${dst.table} of ${output.id} (${dst.where})`);
    const stream = inConn.stream(query);
    const params = rowParams(src.opts.engine, () => stream.columns);
    async function* records(): AsyncGenerator<SourceRecord> {
      let k = 0;
      try {
        for await (const row of stream) {
          const n = ++k;
          const values: SqlValue[] = params(row);
          yield { values, origin: () => `row ${n} of ${input.id}` };
        }
      } catch (err) {
        throw sqlFailure(err, input.id, doing('selectQuery', query, src));
      }
    }
    rows = await insertAll(target, records(), progress);
  } finally {
    progress.done();
    for (const c of opened.reverse()) await c.close();
  }
  ctx.log.info(`${rows} rows copied from ${input.id} into ${dst.table} of ${output.id}`);
  return { mode: 'records', objects: 0, bytesRead: 0, records: rows };
}
