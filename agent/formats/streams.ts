/**
 * A node's encoding (format + compression) applied to streams, for the copy modules (S3 <-> S3, and SQL <-> S3
 * later): bytes -> records and records -> bytes.
 */
import { pipeline } from 'node:stream';
import type { Transform } from 'node:stream';
import { compressor, decompressor } from './compression.js';
import type { ByteSource, DataRecord } from './format.js';
import type { NodeEncoding } from './registry.js';

/** The bytes of one object as the format reads them: gunzipped when the node says so. */
function decoded(bytes: ByteSource, enc: NodeEncoding): ByteSource {
  const gunzip = decompressor(enc.compression);
  // pipeline() destroys both with the error when either fails, so the reader sees a source error too.
  return gunzip ? pipeline(bytes, gunzip, () => {}) : bytes;
}

/** The records of `bytes` (one object's content as stored: compressed when the node says so). */
export function readRecords(bytes: ByteSource, enc: NodeEncoding): AsyncIterable<DataRecord> {
  return enc.format.reader(decoded(bytes, enc));
}

/** The same in batches (DataFormat.batches). */
export function readRecordBatches(bytes: ByteSource, enc: NodeEncoding): AsyncIterable<DataRecord[]> {
  return enc.format.batches(decoded(bytes, enc));
}

/**
 * The stages that turn records into the bytes to store: the format's writer, then gzip when the node says so.
 * `input`: what is written into the first stage, one DataRecord or one DataRecord[] batch per write. Use them as
 * stream.pipeline(source, ...stages, sink).
 */
export function encoderStages(enc: NodeEncoding, input: 'records' | 'batches' = 'records'): Transform[] {
  const writer = input === 'batches' ? enc.format.batchWriter() : enc.format.writer();
  const gzip = compressor(enc.compression);
  return gzip ? [writer, gzip] : [writer];
}
