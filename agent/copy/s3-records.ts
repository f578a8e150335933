/**
 * Records in and out of S3 objects, for every copy direction with an S3 side (S3 -> S3 here; SQL -> S3 and
 * S3 -> SQL reuse both functions): the objects' bytes through the node's compression and data format, streamed.
 */
import { Readable } from 'node:stream';
import type { DataRecord } from '../formats/format.js';
import type { NodeEncoding } from '../formats/registry.js';
import { encoderStages, readRecordBatches } from '../formats/streams.js';
import type { S3Access } from '../s3/access.js';
import { S3Failure, toS3Failure } from '../s3/errors.js';
import type { SseChoice } from '../s3/sse.js';
import { formatS3Uri } from '../s3/uri.js';
import { inContext } from './copier.js';
import type { CopyProgress } from './progress.js';
import type { S3NodeLocation, SourceObject } from './s3-node.js';
import { pipeToUpload } from './upload-pipe.js';

/** An object's body, counted, and checked against the size the listing gave (a cut connection can end early). */
export async function* counted(body: Readable, bucket: string, s: SourceObject, progress?: CopyProgress): AsyncGenerator<Buffer> {
  let n = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      n += chunk.length;
      if (progress) progress.bytes += chunk.length;
      yield chunk;
    }
  } catch (err) {
    throw toS3Failure(err, 'GetObject (reading the body)', bucket, s.key);
  } finally {
    body.destroy();
  }
  if (n !== s.size) {
    throw new S3Failure('S3Error', `GetObject ${formatS3Uri(bucket, s.key)}: ${n} bytes arrived but the object has ${s.size} (it changed during the copy, or the connection was cut)`, bucket, s.key);
  }
}

/**
 * The records of `objects` (from sourceObjects()), one object after the other, read through the input node's
 * encoding, in batches (one per chunk read). Errors are worded with the node, its field and the object's URI
 * (CopyFailure).
 */
export async function* readS3Records(
  s3: S3Access,
  src: S3NodeLocation,
  objects: readonly SourceObject[],
  enc: NodeEncoding,
  signal: AbortSignal,
  progress?: CopyProgress,
): AsyncGenerator<DataRecord[]> {
  for (const s of objects) {
    try {
      const body = await s3.openRead(src.bucket, s.key, signal);
      for await (const batch of readRecordBatches(counted(body, src.bucket, s, progress), enc)) {
        if (progress) progress.records += batch.length;
        yield batch;
      }
    } catch (err) {
      throw inContext(err, src.nodeId, src.field, formatS3Uri(src.bucket, s.key));
    }
    if (progress) progress.objects++;
  }
}

/**
 * Writes `batches` of records to s3://<dst.bucket>/<key> through the output node's encoding, as a multipart upload fed
 * while the records arrive (constant memory). Any failure on either side aborts the upload, so the key never
 * holds a partial object. Errors are worded with the output node (CopyFailure); errors of `batches` pass as
 * they are (word them where they arise, as readS3Records does).
 */
export async function writeS3Records(
  s3: S3Access,
  dst: S3NodeLocation,
  key: string,
  batches: AsyncIterable<DataRecord[]>,
  enc: NodeEncoding,
  sse: SseChoice,
  signal: AbortSignal,
): Promise<void> {
  const where = formatS3Uri(dst.bucket, key);
  await pipeToUpload({
    stages: [Readable.from(batches, { objectMode: true }), ...encoderStages(enc, 'batches')],
    upload: (body) => s3.upload(dst.bucket, key, body, { ...sse, signal }),
    signal,
    uploadError: (err) => inContext(err, dst.nodeId, dst.field),
    writeError: (err) => inContext(err, dst.nodeId, 'dataFormat', where),
  });
}
