/**
 * `Custom` (taskrunner.md 3.10): `columnSeparator` (required, one or more characters), `recordSeparator` (one
 * character, default LF), no escaping at all. So a value cannot contain either separator (writing one fails
 * with the record number) and NULL cannot be told from an empty string: NULL is written as nothing and read
 * back as ''. Records ended by CR LF (with LF records) are refused as for CSV.
 */
import type { ObjectView } from '../objects.js';
import { FormatError, checkWidth, columnsSignature, decodeSpelling, makeFormat, parseColumns, showChar, utf8Chunks } from './format.js';
import type { ByteSource, Column, DataFormat, DataRecord } from './format.js';

interface CustomSettings {
  objectId: string;
  separator: string;
  recordSeparator: string;
  columns?: readonly Column[];
}

async function* readCustom(input: ByteSource, s: CustomSettings): AsyncGenerator<DataRecord[]> {
  const { separator: sep, recordSeparator: rec, columns } = s;
  let line = 1;
  let pending = '';
  const lineOf = (text: string, from: number) => {
    let n = 0;
    for (let k = text.indexOf('\n'); k !== -1; k = text.indexOf('\n', k + 1)) n++;
    return from + n;
  };
  const record = (text: string): DataRecord => {
    const r = text.split(sep);
    checkWidth(columns, r, `line ${line}`, line);
    return r;
  };
  for await (const chunk of utf8Chunks(input, () => line)) {
    // Only the new chunk can hold the next record separator: a long record is not rescanned per chunk.
    const first = chunk.indexOf(rec);
    let k = first === -1 ? -1 : pending.length + first;
    pending += chunk;
    let start = 0;
    const out: DataRecord[] = [];
    for (; k !== -1; k = pending.indexOf(rec, start)) {
      const text = pending.slice(start, k);
      if (rec === '\n' && text.endsWith('\r')) {
        throw new FormatError('CrlfRecordEnd', `line ${line}: CRLF record ends are not supported by CopyActivity's Custom format; convert the data to LF`, line);
      }
      out.push(record(text));
      line = rec === '\n' ? line + 1 : lineOf(text, line);
      start = k + 1;
    }
    pending = pending.slice(start);
    if (out.length > 0) yield out;
  }
  if (pending !== '') yield [record(pending)];
}

export function custom(obj: ObjectView): DataFormat {
  const rawSep = obj.value('columnSeparator');
  if (rawSep === undefined || rawSep === '') {
    throw new FormatError('InvalidDataFormat', `Data format ${obj.id}: a Custom data format needs a columnSeparator`);
  }
  const s: CustomSettings = {
    objectId: obj.id,
    separator: decodeSpelling(rawSep),
    recordSeparator: decodeSpelling(obj.value('recordSeparator') ?? '\n'),
    columns: parseColumns(obj.id, obj.values('column')),
  };
  if (s.recordSeparator.length !== 1) {
    throw new FormatError('InvalidDataFormat', `Data format ${obj.id}: recordSeparator must be a single character, got ${showChar(s.recordSeparator)}`);
  }
  if (s.separator.includes(s.recordSeparator)) {
    throw new FormatError('InvalidDataFormat', `Data format ${obj.id}: columnSeparator ${showChar(s.separator)} contains the recordSeparator`);
  }
  return makeFormat({
    type: 'Custom',
    objectId: obj.id,
    columns: s.columns,
    signature: `Custom ${JSON.stringify([s.separator, s.recordSeparator])} columns=${columnsSignature(s.columns)}`,
    batches: (input) => readCustom(input, s),
    encoder: () => {
      let count = 0;
      return (r) => {
        count++;
        checkWidth(s.columns, r, `output record ${count}`);
        for (let k = 0; k < r.length; k++) {
          const v = r[k];
          if (v !== null && (v.includes(s.separator) || v.includes(s.recordSeparator))) {
            throw new FormatError(
              'MalformedRecord',
              `output record ${count}, value ${k + 1}: contains the ${v.includes(s.separator) ? 'columnSeparator' : 'recordSeparator'}, which a Custom data format cannot escape`,
            );
          }
        }
        return r.map((v) => v ?? '').join(s.separator) + s.recordSeparator;
      };
    },
  });
}
