/**
 * CopyActivity from an S3DataNode to a SqlDataNode / MySqlDataNode (taskrunner.md 3.4): every object of the
 * input (its filePath, or each object under its directoryPath in key order) read through the input's data
 * format (gunzip first when `compression: gzip`), each record bound to the output's `insertQuery` in order.
 * Values are bound as text (`\N` / NULL as SQL NULL) and the database converts them to the column types; the
 * session runs in UTC, so timestamps without an offset are UTC (as SQL -> S3 writes them).
 * A malformed record fails the attempt with the object and its line; nothing is committed (sql-writer.ts).
 * PostgreSQL loads with COPY ... FROM STDIN instead when the insertQuery is a plain column list (pg-copy-load.ts):
 * the same rows, and on a failure the insertQuery path runs again to name the record.
 */
import { readRecords } from '../formats/streams.js';
import { getS3 } from '../s3/access.js';
import { formatS3Uri } from '../s3/uri.js';
import { inContext } from './copier.js';
import { counted } from './s3-records.js';
import type { CopyRequest, CopySummary } from './copier.js';
import { CopyProgress } from './progress.js';
import { s3NodeLocation, sourceObjects } from './s3-node.js';
import type { SourceObject } from './s3-node.js';
import { connectNode, sqlNode } from './sql-node.js';
import { copyLoad, copyMode, decodedBytes } from './pg-copy-load.js';
import type { CopySource } from './pg-copy-load.js';
import { pgCopyTarget } from './pg-copy-target.js';
import { insertAll, prepareTarget } from './sql-writer.js';
import type { SourceRecord } from './sql-writer.js';
import { encodingFor } from './sql-to-s3.js';

export async function copyS3ToSql(req: CopyRequest): Promise<CopySummary> {
  const { ctx, input, output } = req;
  const src = s3NodeLocation(input);
  const enc = encodingFor(input);
  const dst = await sqlNode(output, ctx);
  const s3 = await getS3(ctx.resources);
  const sources = await sourceObjects(s3, src, ctx.signal);
  if (src.isDirectory && sources.length === 0) ctx.log.warn(`${input.id}.directoryPath ${src.uri} holds no objects`);
  const conn = await connectNode(dst, ctx);
  const progress = new CopyProgress((l) => ctx.log.info(l), `copy ${input.id} -> ${output.id}`, req.options);
  progress.total = sources.reduce((a, s) => a + s.size, 0);
  let rows = 0;
  try {
    const target = await prepareTarget(dst, conn, ctx);
    ctx.log.info(`Copying ${sources.length} object(s) from ${src.uri} into ${dst.table} of ${output.id} (${dst.where})`);
    /** PostgreSQL: COPY ... FROM STDIN when the insertQuery allows (pg-copy-load.ts); undefined: use the insertQuery. */
    async function loadWithCopy(): Promise<number | undefined> {
      const plan = await pgCopyTarget(target);
      if (!plan.target) {
        if (conn.kind === 'postgres') ctx.log.info(`${output.id}: loading with the insertQuery: ${plan.reason}`);
        return undefined;
      }
      ctx.log.info(`${output.id}: loading with COPY ... FROM STDIN, ${copyMode(enc, target.placeholders).why}`);
      const loaded = await copyLoad(target, plan.target, enc, copySources, progress);
      if ('rows' in loaded) return loaded.rows;
      ctx.log.warn(`${output.id}: the COPY stopped (${loaded.redo}); loading again with the insertQuery`);
      return undefined;
    }
    /** `read` over an object's body as it arrives (counted); its errors worded with the input node and the object. */
    async function* fromObject<T>(s: SourceObject, read: (body: AsyncIterable<Buffer>) => AsyncIterable<T>): AsyncGenerator<T> {
      try {
        const body = await s3.openRead(src.bucket, s.key, ctx.signal);
        yield* read(counted(body, src.bucket, s, progress));
      } catch (err) {
        throw inContext(err, input.id, src.field, formatS3Uri(src.bucket, s.key));
      }
    }
    async function* copySources(): AsyncGenerator<CopySource> {
      for (const s of sources) {
        yield { uri: formatS3Uri(src.bucket, s.key), bytes: fromObject(s, (body) => decodedBytes(body, enc)) };
        progress.objects++;
      }
    }
    async function* records(): AsyncGenerator<SourceRecord> {
      progress.bytes = 0;
      progress.objects = 0;
      for (const s of sources) {
        const uri = formatS3Uri(src.bucket, s.key);
        let k = 0;
        for await (const values of fromObject(s, (body) => readRecords(body, enc))) {
          const n = ++k;
          yield { values, origin: () => `record ${n} of ${uri}` };
        }
        progress.objects++;
      }
    }
    const copied = await loadWithCopy();
    rows = copied ?? (await insertAll(target, records(), progress));
  } finally {
    progress.done();
    await conn.close();
  }
  ctx.log.info(`${rows} rows inserted into ${dst.table} of ${output.id}`);
  return { mode: 'records', objects: sources.length, bytesRead: progress.bytes, records: rows };
}
