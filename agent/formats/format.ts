/**
 * The one interface every CopyActivity data format implements (taskrunner.md 3.4, 3.10): bytes -> records and
 * records -> bytes, streaming, constant memory, byte-exact. A record is an array of `string | null` (null = SQL
 * NULL). Formats know nothing about S3 or SQL: the copy modules feed them bytes and take records, so S3 <-> S3,
 * SQL -> S3 and S3 -> SQL share them.
 */
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

export type Value = string | null;
export type DataRecord = Value[];

/** A `column` field of a data format: `"name TYPE"` (TYPE optional). */
export interface Column {
  name: string;
  type?: string;
}

/** What a reader accepts: a Readable (bytes) or any async iterable of byte chunks. */
export type ByteSource = AsyncIterable<Uint8Array | string>;

/** Encodes one record as text (with its record separator); stateful (counts records for messages). */
export type RecordEncoder = (record: DataRecord) => string;

/** The layout of a format that writes escaped, unquoted text (escaped.ts: CSV and TSV). */
export interface EscapedLayout {
  readonly separator: string;
  readonly recordSeparator: string;
  readonly escape: string;
}

/** What each format module provides; makeFormat() adds the stream forms. */
export interface FormatCore {
  /** The data format object's type: `CSV`, `TSV` or `Custom`. */
  readonly type: string;
  /** The data format object's id, or undefined for the default CSV of a node without `dataFormat`. */
  readonly objectId?: string;
  /** The declared columns; when present every record must have exactly this many values. */
  readonly columns?: readonly Column[];
  /**
   * Everything that decides the bytes (type, separators, escape, columns). Two formats with the same signature
   * read and write the same files, so an S3 -> S3 copy between them may copy objects as they are.
   */
  readonly signature: string;
  /**
   * Set for CSV and TSV: their text is fully decided by this layout, so a copy may take text that a database
   * already escaped the same way (PostgreSQL's COPY text) without going through records (agent/copy/pg-text.ts).
   */
  readonly escaped?: EscapedLayout;
  /** The records of `input` in batches (one per input chunk). Throws FormatError with the line number. */
  batches(input: ByteSource): AsyncIterable<DataRecord[]>;
  /** A fresh encoder for one output. Throws FormatError for a record it cannot write. */
  encoder(): RecordEncoder;
}

export interface DataFormat extends FormatCore {
  /** Records of `input`, one at a time (batches() is about twice as fast for consumers that take many). */
  reader(input: ByteSource): AsyncIterable<DataRecord>;
  /** Object mode in (one DataRecord per write), bytes out. */
  writer(): Transform;
  /** Object mode in (one DataRecord[] per write), bytes out. */
  batchWriter(): Transform;
}

export type FormatErrorCode =
  /** A data format type CopyActivity cannot read or write (RegEx, DynamoDB, unknown). */
  | 'UnsupportedDataFormat'
  /** A data format object with a bad field (separator, escapeChar, column, compression). */
  | 'InvalidDataFormat'
  /** A `compression` value other than none / gzip. */
  | 'InvalidCompression'
  /** `\r\n` record ends where the format ends records with `\n`. */
  | 'CrlfRecordEnd'
  /** Wrong column count, a dangling escape, a value the format cannot represent. */
  | 'MalformedRecord'
  /** Input bytes that are not UTF-8. */
  | 'InvalidEncoding';

/** A data format problem. `line` is the 1-based input line where the bad record starts (readers). */
export class FormatError extends Error {
  constructor(
    readonly code: FormatErrorCode,
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'FormatError';
  }
}

/**
 * A separator or escape as written in a definition. JSON already turns `"\t"` into a tab; people also write the
 * two characters `\t` (as Hive and the AWS docs show them), so `\t`, `\n`, `\r`, `\\`, `\0NNN` (octal) and
 * `\uXXXX` spellings are decoded too.
 */
export function decodeSpelling(value: string): string {
  return value.replace(/\\(u[0-9a-fA-F]{4}|0[0-7]{1,3}|[tnr\\])/g, (_m, e: string) => {
    if (e === 't') return '\t';
    if (e === 'n') return '\n';
    if (e === 'r') return '\r';
    if (e === '\\') return '\\';
    if (e[0] === 'u') return String.fromCharCode(parseInt(e.slice(1), 16));
    return String.fromCharCode(parseInt(e.slice(1), 8));
  });
}

/** Shows a separator in a message: control characters by name. */
export function showChar(c: string): string {
  return JSON.stringify(c);
}

/** The `column` values of a data format object, in order. */
export function parseColumns(objectId: string, values: readonly string[]): Column[] | undefined {
  if (values.length === 0) return undefined;
  return values.map((v) => {
    const m = /^\s*(\S+)(?:\s+(.*\S))?\s*$/.exec(v);
    if (!m) throw new FormatError('InvalidDataFormat', `Data format ${objectId}: column ${JSON.stringify(v)} is not "name TYPE"`);
    return m[2] === undefined ? { name: m[1] } : { name: m[1], type: m[2] };
  });
}

/** The column part of a signature. */
export function columnsSignature(columns: readonly Column[] | undefined): string {
  return columns ? JSON.stringify(columns.map((c) => [c.name, c.type ?? ''])) : '-';
}

/** UTF-8 decoding of a byte source that refuses bytes which are not UTF-8 instead of replacing them. */
export async function* utf8Chunks(input: ByteSource, line: () => number): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    for await (const chunk of input) {
      const s = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (s.length > 0) yield s;
    }
    const tail = decoder.decode();
    if (tail.length > 0) yield tail;
  } catch (err) {
    if (err instanceof TypeError && /encoded data|decode/i.test(err.message)) {
      throw new FormatError('InvalidEncoding', `line ${line()}: the data is not valid UTF-8`, line());
    }
    throw err;
  }
}

/** Checks a record's value count against the declared columns. */
export function checkWidth(columns: readonly Column[] | undefined, record: DataRecord, where: string, line?: number): void {
  if (columns && record.length !== columns.length) {
    throw new FormatError(
      'MalformedRecord',
      `${where}: the record has ${record.length} value${record.length === 1 ? '' : 's'} but the data format declares ${columns.length} columns`,
      line,
    );
  }
}

/** One record at a time out of batches. */
export async function* flatten(batches: AsyncIterable<DataRecord[]>): AsyncGenerator<DataRecord> {
  for await (const batch of batches) yield* batch;
}

/** Bytes are pushed in pieces of about this size rather than one small Buffer per record. */
const PUSH_CHARS = 64 * 1024;

function encodingTransform(encode: RecordEncoder, batched: boolean): Transform {
  let pending = '';
  return new Transform({
    writableObjectMode: true,
    readableObjectMode: false,
    // A batch is hundreds of records: 16 of them waiting (the object-mode default) would only hold memory.
    ...(batched ? { writableHighWaterMark: 1 } : {}),
    transform(chunk: DataRecord | DataRecord[], _enc: BufferEncoding, cb: TransformCallback) {
      try {
        if (batched) for (const r of chunk as DataRecord[]) pending += encode(r);
        else pending += encode(chunk as DataRecord);
      } catch (err) {
        cb(err as Error);
        return;
      }
      if (pending.length >= PUSH_CHARS) {
        const text = pending;
        pending = '';
        cb(null, Buffer.from(text, 'utf8'));
      } else cb();
    },
    flush(cb: TransformCallback) {
      cb(null, pending.length > 0 ? Buffer.from(pending, 'utf8') : undefined);
    },
  });
}

/** A DataFormat from a format module's core: the one place the stream forms are built. */
export function makeFormat(core: FormatCore): DataFormat {
  return {
    ...core,
    batches: (input) => core.batches(input),
    encoder: () => core.encoder(),
    reader: (input) => flatten(core.batches(input)),
    writer: () => encodingTransform(core.encoder(), false),
    batchWriter: () => encodingTransform(core.encoder(), true),
  };
}
