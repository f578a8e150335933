/** `compression` on an S3DataNode (taskrunner.md 3.8): `none` or `gzip`, read and written as a stream. */
import { createGunzip, createGzip } from 'node:zlib';
import type { Transform } from 'node:stream';
import type { ObjectView } from '../objects.js';
import { FormatError } from './format.js';

export type Compression = 'none' | 'gzip';

export function compressionOf(node: ObjectView): Compression {
  const raw = node.value('compression');
  if (raw === undefined || raw.trim() === '') return 'none';
  const v = raw.trim().toLowerCase();
  if (v === 'none' || v === 'gzip') return v;
  throw new FormatError('InvalidCompression', `compression ${JSON.stringify(raw)} is not "none" or "gzip"`);
}

/** A gunzip stream for gzip input (multi-member files, e.g. concatenated .gz parts, included), else undefined. */
export function decompressor(c: Compression): Transform | undefined {
  return c === 'gzip' ? createGunzip() : undefined;
}

export function compressor(c: Compression): Transform | undefined {
  return c === 'gzip' ? createGzip() : undefined;
}
