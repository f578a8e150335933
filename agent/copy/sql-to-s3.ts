/**
 * CopyActivity from a SqlDataNode / MySqlDataNode to an S3DataNode (taskrunner.md 3.4): the node's
 * `selectQuery` (or `select * from <schemaName.>table`) read through a server-side cursor (PostgreSQL portal,
 * MySQL protocol flow control), each row rendered (agent/sql/render.ts), encoded by the output's data format,
 * gzipped when `compression: gzip`, and uploaded as a multipart upload while it is read:
 *
 *   cursor -> render -> format writer -> gzip -> multipart upload
 *
 * From PostgreSQL to CSV/TSV, when every column's server text is already what render.ts writes, the server
 * writes the text instead (pg-text.ts), byte-identical:  COPY TO STDOUT -> unescape -> gzip -> multipart upload
 * From MySQL likewise (mysql-text.ts): a wrapping query returns each record's text -> LFs -> gzip -> upload
 *
 * Backpressure runs end to end (the cursor is read only when the upload has room), so memory is constant
 * whatever the row count. Any failure (connection lost, statement error, abort) destroys the upload's body,
 * which aborts the multipart upload: the object is either complete or absent, never truncated.
 * Output key: `filePath`, or `<directoryPath>/part-00000.<csv|tsv|txt>[.gz]`.
 */
import { Readable, Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import type { DataRecord } from '../formats/format.js';
import { encodingOf } from '../formats/registry.js';
import type { NodeEncoding } from '../formats/registry.js';
import { compressor } from '../formats/compression.js';
import { encoderStages } from '../formats/streams.js';
import type { ObjectView } from '../objects.js';
import { getS3, sseFromNode } from '../s3/access.js';
import { formatS3Uri, joinKey } from '../s3/uri.js';
import type { RowStream } from '../sql/connection.js';
import type { EngineKind } from '../sql/options.js';
import { batchRenderer } from '../sql/render.js';
import { inContext } from './copier.js';
import type { CopyRequest, CopySummary } from './copier.js';
import { lineChunks, mysqlTextPlan } from './mysql-text.js';
import { serverTextPlan, unescapeTransform } from './pg-text.js';
import { CopyProgress } from './progress.js';
import { s3NodeLocation } from './s3-node.js';
import { connectNode, doing, selectSql, sqlFailure, sqlNode } from './sql-node.js';
import { pipeToUpload } from './upload-pipe.js';

const EXTENSIONS: Readonly<Record<string, string>> = { CSV: 'csv', TSV: 'tsv', Custom: 'txt' };

/** The node's format and compression, errors worded with the node and field. */
export function encodingFor(node: ObjectView): NodeEncoding {
  try {
    return encodingOf(node);
  } catch (err) {
    const field = (err as { code?: string }).code === 'InvalidCompression' ? 'compression' : 'dataFormat';
    throw inContext(err, node.id, field);
  }
}

/** The file name used under a directoryPath output. */
export function partName(enc: NodeEncoding): string {
  return `part-00000.${EXTENSIONS[enc.format.type] ?? 'txt'}${enc.compression === 'gzip' ? '.gz' : ''}`;
}

/** Counts the bytes that go to S3 (after compression) for the progress line. */
function byteCounter(progress: CopyProgress): Transform {
  return new Transform({
    transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback) {
      progress.bytes += chunk.length;
      cb(null, chunk);
    },
  });
}

/**
 * Rows rendered (render.ts) in the batches the engine reads them: one object-mode chunk per row costs more than
 * rendering and encoding it.
 */
async function* renderedBatches(rows: RowStream, engine: EngineKind, progress: CopyProgress, failed: (err: unknown) => unknown): AsyncGenerator<DataRecord[]> {
  const render = batchRenderer(engine, () => rows.columns);
  try {
    for await (const batch of rows.batches()) {
      progress.records += batch.length;
      yield render(batch);
    }
  } catch (err) {
    throw failed(err);
  }
}

export async function copySqlToS3(req: CopyRequest): Promise<CopySummary> {
  const { ctx, input, output } = req;
  const dst = s3NodeLocation(output);
  const enc = encodingFor(output);
  const key = dst.isDirectory ? joinKey(dst.key, partName(enc)) : dst.key;
  const uri = formatS3Uri(dst.bucket, key);
  const src = await sqlNode(input, ctx);
  const query = selectSql(src);
  const s3 = await getS3(ctx.resources);
  const conn = await connectNode(src, ctx);
  ctx.log.info(`Copying the rows of ${input.id} (${src.where}) to ${uri} as ${enc.format.type}${enc.compression === 'gzip' ? ', gzip' : ''}`);
  const progress = new CopyProgress((l) => ctx.log.info(l), `copy ${input.id} -> ${output.id}`, req.options);
  let cause: { err: unknown } | undefined;
  // The source's error is the cause, unless the upload failed first (destroying the chain, and so the source) or
  // the copy was canceled (the source stops with its own cancel error).
  const sourceFailed = (err: unknown) => {
    const worded = sqlFailure(err, input.id, doing('selectQuery', query, src));
    if (!ctx.signal.aborted) cause ??= { err: worded };
    return worded;
  };
  async function* failing(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    try {
      yield* chunks;
    } catch (err) {
      throw sourceFailed(err);
    }
  }
  try {
    const pg = await serverTextPlan(conn, query, enc);
    const my = conn.kind === 'mysql' ? await mysqlTextPlan(conn, query, enc) : undefined;
    let source: Readable;
    let stages: Transform[];
    const gzip = compressor(enc.compression);
    if (pg.plan && conn.copyOut) {
      ctx.log.info(`${input.id}: PostgreSQL writes the ${enc.format.type} text itself (COPY ... TO STDOUT): every column's text is what the agent would write`);
      source = Readable.from(failing(conn.copyOut(pg.plan.query, pg.plan.delimiter)), { objectMode: false });
      stages = [unescapeTransform(pg.plan.delimiter, (n) => (progress.records += n)), ...(gzip ? [gzip] : [])];
    } else if (my?.plan) {
      ctx.log.info(`${input.id}: MySQL writes each ${enc.format.type} line itself (one value per row): every column's text is what the agent would write`);
      source = Readable.from(failing(lineChunks(conn.stream(my.plan.query), (n) => (progress.records += n))), { objectMode: false });
      stages = gzip ? [gzip] : [];
    } else {
      const reason = my?.reason ?? pg.reason;
      ctx.log.debug(`${input.id}: rows read through a cursor and rendered by the agent (${reason ?? 'no server text'})`);
      // One rendered batch read ahead, not the object-mode default of 16 (thousands of rows held).
      source = Readable.from(renderedBatches(conn.stream(query), src.opts.engine, progress, sourceFailed), { objectMode: true, highWaterMark: 1 });
      stages = encoderStages(enc, 'batches');
    }
    await pipeToUpload({
      stages: [source, ...stages, byteCounter(progress)],
      upload: (body) => s3.upload(dst.bucket, key, body, { ...sseFromNode(output), signal: ctx.signal }),
      signal: ctx.signal,
      uploadError: (err) => inContext(err, output.id, dst.field),
      writeError: (err) => inContext(err, output.id, 'dataFormat', uri),
      onCause: (err) => (cause ??= { err }),
    }).catch((err: unknown) => {
      // A source error was worded when it arose (sourceFailed) and stays the cause.
      cause ??= { err };
    });
  } finally {
    progress.done();
    await conn.close();
  }
  if (cause) throw cause.err;
  progress.objects = 1;
  ctx.log.info(`${progress.records} rows of ${input.id} written to ${uri} (${progress.bytes} bytes)`);
  return { mode: 'records', objects: 1, bytesRead: progress.bytes, records: progress.records };
}
