/**
 * CopyActivity from an S3DataNode to an S3DataNode (taskrunner.md 3.4).
 *
 * Same data format (type, settings, columns) and same compression on both sides: S3 copies the objects itself
 * (CopyObject, multipart copy above 5 GB), no byte passes through the agent. Otherwise every record is read
 * through the input's format and written through the output's (CSV -> TSV, gzip on either side), streamed:
 * S3 body -> gunzip -> reader -> writer -> gzip -> multipart upload, constant memory.
 *
 * Shapes: file -> file; file -> directory (the object keeps its name); directory -> directory (every object
 * under the prefix, relative paths kept); directory -> file concatenates the objects in key order, record by
 * record. In the record path a name gains `.gz` when the output is gzip and loses it when the input was.
 */
import type { Compression } from '../formats/compression.js';
import { encodingOf, sameEncoding } from '../formats/registry.js';
import type { NodeEncoding } from '../formats/registry.js';
import type { ObjectView } from '../objects.js';
import { getS3, sseFromNode } from '../s3/access.js';
import type { S3Access } from '../s3/access.js';
import { S3Failure } from '../s3/errors.js';
import type { SseChoice } from '../s3/sse.js';
import { formatS3Uri, joinKey } from '../s3/uri.js';
import { CopyFailure, inContext } from './copier.js';
import type { CopyRequest, CopySummary } from './copier.js';
import { CopyProgress } from './progress.js';
import { s3NodeLocation, sourceObjects } from './s3-node.js';
import { readS3Records, writeS3Records } from './s3-records.js';
import type { S3NodeLocation, SourceObject } from './s3-node.js';

/** Server-side copies in flight at once (many small objects under a directory). */
const PARALLEL_COPIES = 4;

interface Target {
  key: string;
  sources: SourceObject[];
}

/** The node's format and compression, errors worded with the node and field. */
function encodingFor(node: ObjectView): NodeEncoding {
  try {
    return encodingOf(node);
  } catch (err) {
    const field = (err as { code?: string }).code === 'InvalidCompression' ? 'compression' : 'dataFormat';
    throw inContext(err, node.id, field);
  }
}

function renamed(name: string, from: Compression, to: Compression): string {
  if (from === to) return name;
  if (from === 'gzip' && name.endsWith('.gz')) return name.slice(0, -3);
  if (to === 'gzip' && !name.endsWith('.gz')) return `${name}.gz`;
  return name;
}

function plan(dst: S3NodeLocation, sources: SourceObject[], serverSide: boolean, inEnc: NodeEncoding, outEnc: NodeEncoding): Target[] {
  if (!dst.isDirectory) return [{ key: dst.key, sources }];
  return sources.map((s) => ({
    key: joinKey(dst.key, serverSide ? s.relative : renamed(s.relative, inEnc.compression, outEnc.compression)),
    sources: [s],
  }));
}

export async function copyS3ToS3(req: CopyRequest): Promise<CopySummary> {
  const { ctx, input, output } = req;
  const src = s3NodeLocation(input);
  const dst = s3NodeLocation(output);
  const inEnc = encodingFor(input);
  const outEnc = encodingFor(output);
  const sse = sseFromNode(output);
  const s3 = await getS3(ctx.resources);
  const sources = await sourceObjects(s3, src, ctx.signal);
  // Directory -> file has to concatenate, which S3 cannot do for us.
  const serverSide = sameEncoding(inEnc, outEnc) && !(src.isDirectory && !dst.isDirectory);
  const targets = plan(dst, sources, serverSide, inEnc, outEnc);
  if (src.bucket === dst.bucket) {
    const keys = new Set(sources.map((s) => s.key));
    const same = targets.find((t) => keys.has(t.key));
    if (same) {
      throw new CopyFailure('InvalidCopy', `${output.id}.${dst.field}: ${formatS3Uri(dst.bucket, same.key)} is also an object of the input ${input.id}; a copy cannot overwrite its own input`);
    }
  }
  if (src.isDirectory && sources.length === 0) ctx.log.warn(`${input.id}.directoryPath ${src.uri} holds no objects`);
  const how = serverSide ? 'server-side copy (same data format and compression)' : `record by record (${describe(inEnc)} -> ${describe(outEnc)})`;
  ctx.log.info(`Copying ${sources.length} object(s) from ${src.uri} to ${dst.uri}: ${how}`);

  const progress = new CopyProgress((l) => ctx.log.info(l), `copy ${input.id} -> ${output.id}`, req.options);
  progress.total = sources.reduce((n, s) => n + s.size, 0);
  try {
    if (serverSide) await copyServerSide(s3, src, dst, targets, sse, ctx.signal, progress);
    else {
      for (const t of targets) await writeS3Records(s3, dst, t.key, readS3Records(s3, src, t.sources, inEnc, ctx.signal, progress), outEnc, sse, ctx.signal);
    }
  } finally {
    progress.done();
  }
  return { mode: serverSide ? 'server-side' : 'records', objects: targets.length, bytesRead: progress.bytes, records: progress.records };
}

function describe(e: NodeEncoding): string {
  return `${e.format.type}${e.format.objectId ? ` ${e.format.objectId}` : ' (default)'}${e.compression === 'gzip' ? ', gzip' : ''}`;
}

async function copyServerSide(
  s3: S3Access,
  src: S3NodeLocation,
  dst: S3NodeLocation,
  targets: Target[],
  sse: SseChoice,
  signal: AbortSignal,
  progress: CopyProgress,
): Promise<void> {
  let next = 0;
  let finishedBytes = 0;
  const inFlight = new Map<number, number>();
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const i = next++;
      const t = targets[i];
      const s = t.sources[0];
      try {
        await s3.copy(src.bucket, s.key, dst.bucket, t.key, {
          ...sse,
          signal,
          onProgress: (done) => {
            inFlight.set(i, done);
            progress.bytes = finishedBytes + [...inFlight.values()].reduce((a, b) => a + b, 0);
          },
        });
      } catch (err) {
        // CopyObject errors name both objects; which node is at fault depends on the error.
        throw inContext(err, ...blame(err, src, dst, s.key));
      }
      inFlight.delete(i);
      finishedBytes += s.size;
      progress.bytes = finishedBytes + [...inFlight.values()].reduce((a, b) => a + b, 0);
      progress.objects++;
    }
  };
  // One failure stops the others from taking new objects; the ones in flight finish or fail on their own.
  const stopOnError = (e: unknown): never => {
    next = targets.length;
    throw e;
  };
  const workers = Array.from({ length: Math.min(PARALLEL_COPIES, targets.length) }, () => worker().catch(stopOnError));
  const results = await Promise.allSettled(workers);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * The node and field an S3 error of a server-side copy belongs to: the source's HEAD failing, or a missing key
 * (a copy only needs the source key to exist), is the input's; anything else (a missing or refusing output
 * bucket) the output's. The message names both objects either way.
 */
function blame(err: unknown, src: S3NodeLocation, dst: S3NodeLocation, srcKey: string): [string, string] {
  if (err instanceof S3Failure && ((err.bucket === src.bucket && err.key === srcKey) || err.errorId === 'S3NoSuchKey')) return [src.nodeId, src.field];
  return [dst.nodeId, dst.field];
}
