/**
 * The escaped, unquoted delimited text CopyActivity reads and writes for CSV and TSV (taskrunner.md 3.4, 3.10):
 * values separated by one character, records ended by one character, no quoting, special characters preceded
 * by the escape character (`\` by default).
 *
 * Writing (every byte chosen, so output is byte-exact):
 *   escape char  -> esc esc         separator -> esc sep       record separator -> esc rec
 *   LF -> esc n      CR -> esc r    a tab that is the separator or record separator -> esc t
 *   NULL -> esc N   (PostgreSQL's text format; an empty string is written as nothing)
 * Reading accepts all of that, plus esc followed by a literal LF (MySQL/Hive style) as a LF in the value, and
 * esc followed by any other character as that character. `esc N` is NULL only as a whole value. A record
 * ended by CR LF (when records end with LF) is refused with its line number; the escape char as the very last
 * byte of the input is a dangling escape.
 */
import { FormatError, checkWidth, showChar, utf8Chunks } from './format.js';
import type { ByteSource, Column, DataRecord, RecordEncoder, Value } from './format.js';

export interface EscapedSettings {
  /** 'CSV' or 'TSV', for messages. */
  label: string;
  objectId?: string;
  separator: string;
  recordSeparator: string;
  escape: string;
  columns?: readonly Column[];
}

/** Letters with a meaning after the escape char: they cannot be separators. */
const LETTERS = new Set(['n', 'r', 't', 'N']);

export function checkEscapedSettings(s: EscapedSettings): void {
  const where = `Data format ${s.objectId ?? `(default ${s.label})`}`;
  const one = (field: string, v: string) => {
    if ([...v].length !== 1 || v.length !== 1) {
      throw new FormatError('InvalidDataFormat', `${where}: ${field} must be a single character, got ${showChar(v)}`);
    }
    if (LETTERS.has(v)) throw new FormatError('InvalidDataFormat', `${where}: ${field} ${showChar(v)} would be ambiguous after the escape character`);
  };
  one('columnSeparator', s.separator);
  one('recordSeparator', s.recordSeparator);
  one('escapeChar', s.escape);
  if (s.separator === s.recordSeparator) throw new FormatError('InvalidDataFormat', `${where}: columnSeparator and recordSeparator are both ${showChar(s.separator)}`);
  if (s.escape === s.separator || s.escape === s.recordSeparator) {
    throw new FormatError('InvalidDataFormat', `${where}: escapeChar ${showChar(s.escape)} is also a separator`);
  }
  if (s.separator === '\r' || s.recordSeparator === '\r') throw new FormatError('InvalidDataFormat', `${where}: CR cannot be a separator`);
}

function regexChar(c: string): string {
  return c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

const CR = 13;
const LF = 10;

const CRLF_HINT = (label: string) => `CRLF record ends are not supported by CopyActivity's ${label}; convert the data to LF`;

/** Parses escaped delimited text into records, in batches (one per input chunk). */
export async function* readEscapedBatches(input: ByteSource, s: EscapedSettings): AsyncGenerator<DataRecord[]> {
  const { separator: sep, recordSeparator: rec, escape: esc, columns } = s;
  const lfEnds = rec === '\n';
  // The characters that stop a plain run: the escape, both separators, CR (CRLF check) and LF (line count).
  const [E, S, R] = [esc.charCodeAt(0), sep.charCodeAt(0), rec.charCodeAt(0)];
  let line = 1;
  let recordLine = 1;
  let field = '';
  let maybeNull = false;
  let fields: Value[] = [];
  let pendingEscape = false;
  let pendingCR = false;
  let out: DataRecord[] = [];

  const endField = () => {
    fields.push(maybeNull && field === 'N' ? null : field);
    field = '';
    maybeNull = false;
  };
  const endRecord = () => {
    endField();
    checkWidth(columns, fields, `line ${recordLine}`, recordLine);
    out.push(fields);
    fields = [];
    recordLine = line;
  };
  const escaped = (c: string) => {
    if (c === 'n') field += '\n';
    else if (c === 'r') field += '\r';
    else if (c === 't') field += '\t';
    else if (c === 'N') {
      if (field === '') maybeNull = true;
      field += 'N';
    } else {
      if (c === '\n') line++;
      field += c;
    }
  };
  const crlf = () => new FormatError('CrlfRecordEnd', `line ${line}: ${CRLF_HINT(s.label)}`, line);

  for await (const chunk of utf8Chunks(input, () => line)) {
    const n = chunk.length;
    let i = 0;
    if (pendingEscape) {
      pendingEscape = false;
      escaped(chunk[0]);
      i = 1;
    } else if (pendingCR) {
      pendingCR = false;
      if (chunk[0] === '\n' && lfEnds) throw crlf();
      field += '\r';
    }
    while (i < n) {
      // Scan the plain run up to the next special character (a charCode loop beats a regex here).
      let j = i;
      let c = 0;
      for (; j < n; j++) {
        c = chunk.charCodeAt(j);
        if (c === E || c === S || c === R || c === CR || c === LF) break;
      }
      if (j > i) field += j - i === n ? chunk : chunk.slice(i, j);
      if (j >= n) break;
      i = j + 1;
      if (c === E) {
        if (i < n) escaped(chunk[i++]);
        else pendingEscape = true;
      } else if (c === S) {
        if (c === LF) line++;
        endField();
      } else if (c === R) {
        if (c === LF) line++;
        endRecord();
      } else if (c === CR) {
        if (i >= n) pendingCR = true;
        else if (chunk.charCodeAt(i) === LF && lfEnds) throw crlf();
        else field += '\r';
      } else {
        // A LF that does not end records: data, but still a new line for messages.
        line++;
        field += '\n';
      }
    }
    if (out.length > 0) {
      const batch = out;
      out = [];
      yield batch;
    }
  }
  if (pendingEscape) {
    throw new FormatError('MalformedRecord', `line ${line}: the data ends with a dangling escape character ${showChar(esc)}`, line);
  }
  if (pendingCR) field += '\r';
  if (field !== '' || maybeNull || fields.length > 0) {
    // The last record without a record separator.
    endRecord();
    yield out;
  }
}

/** Encodes one value. */
function escapeValue(v: string, test: RegExp, replace: RegExp, map: Record<string, string>): string {
  if (!test.test(v)) return v;
  return v.replace(replace, (c) => map[c]);
}

/** Records -> text, one record per call (counts records for messages: make one per output). */
export function escapedEncoder(s: EscapedSettings): RecordEncoder {
  const { separator: sep, recordSeparator: rec, escape: esc, columns } = s;
  const chars = [...new Set([esc, sep, rec, '\n', '\r'])];
  const cls = `[${chars.map(regexChar).join('')}]`;
  const test = new RegExp(cls);
  const replace = new RegExp(cls, 'g');
  const map: Record<string, string> = {};
  for (const c of chars) map[c] = esc + (c === '\n' ? 'n' : c === '\r' ? 'r' : c === '\t' ? 't' : c);
  const nullText = `${esc}N`;
  let count = 0;
  return (record) => {
    count++;
    checkWidth(columns, record, `output record ${count}`);
    let text = '';
    for (let k = 0; k < record.length; k++) {
      const v = record[k];
      if (k > 0) text += sep;
      text += v === null ? nullText : escapeValue(v, test, replace, map);
    }
    return text + rec;
  };
}
