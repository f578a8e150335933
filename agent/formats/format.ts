/**
 * The one interface every CopyActivity data format implements (taskrunner.md 3.4, 3.10): bytes -> records and
 * records -> bytes, streaming, constant memory, byte-exact. A record is an array of `string | null` (null = SQL
 * NULL). Formats know nothing about S3 or SQL: the copy modules feed them bytes and take records, so S3 <-> S3,
 * SQL -> S3 and S3 -> SQL share them.
 */
import type { Transform } from 'node:stream';

export type Value = string | null;
export type DataRecord = Value[];

/** A `column` field of a data format: `"name TYPE"` (TYPE optional). */
export interface Column {
  name: string;
  type?: string;
}

/** What a reader accepts: a Readable (bytes) or any async iterable of byte chunks. */
export type ByteSource = AsyncIterable<Uint8Array | string>;

export interface DataFormat {
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
  /** Records of `input`, in order. Throws FormatError (with the line number) on a malformed record. */
  reader(input: ByteSource): AsyncIterable<DataRecord>;
  /** An object-mode-in, bytes-out Transform: write DataRecords, read the encoded bytes. */
  writer(): Transform;
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
