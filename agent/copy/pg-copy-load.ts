/**
 * S3 -> PostgreSQL with `COPY ... FROM STDIN` (pg-copy-target.ts decides when): the objects' bytes go to the
 * server as they are when the format allows it, else their parsed records re-rendered as COPY text
 * (pg-copy-text.ts). The same single transaction as sql-writer.ts: committed after the last object, rolled back
 * on any failure.
 *
 * Errors: a source error (S3, gzip) is reported as the insertQuery path reports it. Anything else that fails
 * while the connection still works (a value or row the database rejects, a wrong column count, input the
 * insertQuery path would refuse) returns `redo` after the rollback: the caller loads again on the insertQuery
 * path, which names the record and line exactly as before (or, should the two readings ever differ, loads the
 * rows). A lost connection or an abort is reported with the record being sent.
 */
import { pipeline } from 'node:stream';
import { decompressor } from '../formats/compression.js';
import { FormatError } from '../formats/format.js';
import type { ByteSource } from '../formats/format.js';
import type { NodeEncoding } from '../formats/registry.js';
import { layoutProblem } from './pg-text.js';
import type { CopyTarget } from './pg-copy-target.js';
import { CopyTextMismatch, PassThroughText, renderCopyText } from './pg-copy-text.js';
import type { CopyProgress } from './progress.js';
import { sqlFailure } from './sql-node.js';
import type { InsertTarget } from './sql-writer.js';

/** One object to load: its bytes, gunzipped when the node says so (errors already worded), and its URI. */
export interface CopySource {
  uri: string;
  bytes: AsyncIterable<Buffer>;
}

/** How the bytes of `enc` go to COPY: as they are (with this DELIMITER), or re-rendered; `why` for the log. */
export function copyMode(enc: NodeEncoding, placeholders: number): { passThrough?: string; why: string } {
  const layout = enc.format.escaped;
  const problem = layoutProblem(layout);
  if (problem || !layout) return { why: `re-rendered records (${problem ?? 'not CSV or TSV'})` };
  const declared = enc.format.columns;
  if (declared && declared.length !== placeholders) return { why: 're-rendered records (the data format declares another number of columns)' };
  return { passThrough: layout.separator, why: 'the bytes as they are' };
}

/** An object's bytes as the format reads them: gunzipped when the node says so. */
export function decodedBytes(bytes: ByteSource, enc: NodeEncoding): AsyncIterable<Buffer> {
  const gunzip = decompressor(enc.compression);
  // pipeline() destroys both with the error when either fails, so the reader sees a source error too.
  return (gunzip ? pipeline(bytes, gunzip, () => {}) : bytes) as AsyncIterable<Buffer>;
}

/** What copyLoad() did: the rows loaded, or why the insertQuery path must load them instead. */
export type CopyOutcome = { rows: number } | { redo: string };

/** Loads every object in one transaction (see the file comment). */
export async function copyLoad(
  t: InsertTarget,
  target: CopyTarget,
  enc: NodeEncoding,
  sources: () => AsyncIterable<CopySource>,
  progress: CopyProgress,
): Promise<CopyOutcome> {
  const { conn, n } = t;
  const id = n.node.id;
  const copyIn = conn.copyIn?.bind(conn);
  if (!copyIn) return { redo: 'the connection has no COPY FROM STDIN' };
  const mode = copyMode(enc, t.placeholders);
  const at = { uri: '', records: 0 };
  let sourceFailure: { err: unknown } | undefined;
  let done = 0;

  async function* passThrough(): AsyncGenerator<Buffer> {
    for await (const s of sources()) {
      const text = new PassThroughText();
      at.uri = s.uri;
      at.records = 0;
      for await (const chunk of s.bytes) {
        const out = text.push(chunk);
        progress.records = done + text.records;
        at.records = text.records;
        if (out.length > 0) yield out;
      }
      const last = text.end();
      if (last) yield last;
      done += text.records + (last ? 1 : 0);
    }
  }
  async function* rendered(): AsyncGenerator<Buffer> {
    for await (const s of sources()) {
      at.uri = s.uri;
      at.records = 0;
      for await (const batch of enc.format.batches(s.bytes)) {
        at.records += batch.length;
        done += batch.length;
        progress.records = done;
        yield renderCopyText(batch);
      }
    }
  }
  async function* data(): AsyncGenerator<Buffer> {
    try {
      yield* mode.passThrough === undefined ? rendered() : passThrough();
    } catch (err) {
      sourceFailure = { err };
      throw err;
    }
  }

  try {
    await conn.begin();
  } catch (err) {
    throw sqlFailure(err, id, `starting a transaction on ${n.where}`);
  }
  let rows: number;
  try {
    rows = await copyIn(target.statement(mode.passThrough ?? '\t'), data());
    await conn.commit();
  } catch (err) {
    // Best effort: after a lost connection the server rolls back by itself.
    const alive = await conn.rollback().then(
      () => true,
      () => false,
    );
    // A format error (re-rendered records) is reported by the insertQuery path, after the records before it.
    const redo = (e: unknown) => e instanceof CopyTextMismatch || e instanceof FormatError;
    if (sourceFailure && !redo(sourceFailure.err)) throw sourceFailure.err;
    if (alive) return { redo: sourceFailure ? String((sourceFailure.err as Error).message) : err instanceof Error ? err.message : String(err) };
    throw sqlFailure(err, id, `insertQuery for record ${at.records + 1} of ${at.uri} on ${n.where}`);
  }
  progress.records = rows;
  return { rows };
}
