/**
 * A node's encoding (format + compression) applied to streams, for the copy modules (S3 <-> S3, and SQL <-> S3
 * later): bytes -> records and records -> bytes.
 */
import { pipeline } from 'node:stream';
import type { Transform } from 'node:stream';
import { compressor, decompressor } from './compression.js';
import type { ByteSource, DataRecord } from './format.js';
import type { NodeEncoding } from './registry.js';

/** The records of `bytes` (one object's content as stored: compressed when the node says so). */
export function readRecords(bytes: ByteSource, enc: NodeEncoding): AsyncIterable<DataRecord> {
  const gunzip = decompressor(enc.compression);
  if (!gunzip) return enc.format.reader(bytes);
  // pipeline() destroys both with the error when either fails, so the reader sees a source error too.
  return enc.format.reader(pipeline(bytes, gunzip, () => {}));
}

/**
 * The stages that turn DataRecords into the bytes to store: the format's writer, then gzip when the node says
 * so. Use them in stream.pipeline(records, ...stages, sink).
 */
export function encoderStages(enc: NodeEncoding): Transform[] {
  const gzip = compressor(enc.compression);
  return gzip ? [enc.format.writer(), gzip] : [enc.format.writer()];
}
