/**
 * Data format type -> module. A new format is one new file plus one line in FORMATS. A node without
 * `dataFormat` gets CopyActivity's CSV (taskrunner.md 3.10).
 */
import type { ObjectView } from '../objects.js';
import { compressionOf } from './compression.js';
import type { Compression } from './compression.js';
import { custom } from './custom.js';
import { dpCsv } from './dp-csv.js';
import { FormatError } from './format.js';
import type { DataFormat } from './format.js';
import { tsv } from './tsv.js';

const FORMATS: Readonly<Record<string, (obj: ObjectView) => DataFormat>> = {
  CSV: dpCsv,
  TSV: tsv,
  Custom: custom,
};

/** Formats that exist in Data Pipeline but that CopyActivity cannot use, with the reason. */
const NOT_FOR_COPY: Readonly<Record<string, string>> = {
  RegEx: 'a RegEx data format is only for Hive on EMR; CopyActivity reads and writes CSV, TSV and Custom',
  DynamoDBDataFormat: 'it is only for Hive on EMR',
  DynamoDBExportDataFormat: 'it is only for Hive on EMR',
};

/** The data format of a data node (its `dataFormat` ref); CopyActivity's CSV when it has none. */
export function formatFor(node: ObjectView): DataFormat {
  if (!node.has('dataFormat')) return dpCsv();
  const obj = node.ref('dataFormat');
  if (!obj) {
    throw new FormatError('InvalidDataFormat', `dataFormat ${JSON.stringify(node.value('dataFormat'))} does not name an object of the pipeline`);
  }
  const type = obj.type ?? '';
  const make = FORMATS[type];
  if (make) return make(obj);
  const why = NOT_FOR_COPY[type] ?? `CopyActivity reads and writes ${Object.keys(FORMATS).join(', ')}`;
  throw new FormatError('UnsupportedDataFormat', `data format ${obj.id} has type ${JSON.stringify(type)}, which CopyActivity cannot use: ${why}`);
}

/** A node's format and compression together: what decides an object's bytes. */
export interface NodeEncoding {
  format: DataFormat;
  compression: Compression;
}

export function encodingOf(node: ObjectView): NodeEncoding {
  return { format: formatFor(node), compression: compressionOf(node) };
}

/** True when files written with `a` are files of `b`: same type, settings, columns and compression. */
export function sameEncoding(a: NodeEncoding, b: NodeEncoding): boolean {
  return a.format.signature === b.format.signature && a.compression === b.compression;
}

export function supportedFormats(): string[] {
  return Object.keys(FORMATS);
}
