/** Data nodes and data format objects as the task carries them, and stream helpers for format tests. */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Transform } from 'node:stream';
import type { Field } from '../../../protocol/shapes.js';
import { TaskView } from '../../../agent/objects.js';
import type { ObjectView } from '../../../agent/objects.js';
import type { DataFormat, DataRecord } from '../../../agent/formats/format.js';

export type Spec = Record<string, string | string[] | { ref: string }>;

/** A TaskView over `objects` (id -> fields; `{ ref }` is a reference). */
export function taskOf(objects: Record<string, Spec>): TaskView {
  const map: Record<string, { id: string; name: string; fields: Field[] }> = {};
  for (const [id, spec] of Object.entries(objects)) {
    const fields: Field[] = [];
    for (const [key, v] of Object.entries(spec)) {
      if (typeof v === 'object' && !Array.isArray(v)) fields.push({ key, refValue: v.ref });
      else for (const s of Array.isArray(v) ? v : [v]) fields.push({ key, stringValue: s });
    }
    map[id] = { id, name: id, fields };
  }
  return new TaskView({ taskId: 't', pipelineId: 'df-T', attemptId: '@A_1', objects: map });
}

/** A data node `Node` with data format object `Fmt` of `fmt` fields (none when undefined). */
export function nodeWith(fmt?: Spec, node: Spec = {}): ObjectView {
  const objects: Record<string, Spec> = { Node: { type: 'S3DataNode', ...node, ...(fmt ? { dataFormat: { ref: 'Fmt' } } : {}) } };
  if (fmt) objects.Fmt = fmt;
  return taskOf(objects).get('Node') as ObjectView;
}

/** `bytes` in chunks of `size` bytes (1 splits every escape and every UTF-8 sequence). */
export function chunked(bytes: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

export async function readAll(format: DataFormat, bytes: Buffer | string, size = 1 << 16): Promise<DataRecord[]> {
  const out: DataRecord[] = [];
  for await (const r of format.reader(chunked(Buffer.from(bytes), size))) out.push(r);
  return out;
}

export async function drain(source: Readable, ...stages: Transform[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      parts.push(chunk);
      cb();
    },
  });
  await pipeline([source, ...stages, sink]);
  return Buffer.concat(parts);
}

export async function writeAll(format: DataFormat, records: DataRecord[]): Promise<string> {
  return (await drain(Readable.from(records, { objectMode: true }), format.writer())).toString('utf8');
}
