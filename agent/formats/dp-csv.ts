/**
 * `CSV` as CopyActivity reads and writes it: the "Unix/Linux variant" (taskrunner.md 3.4), not RFC 4180.
 * Separator `,`, records end with LF, nothing is quoted, `escapeChar` (default `\`) escapes (escaped.ts).
 * Also the format of an S3DataNode without `dataFormat`.
 */
import type { ObjectView } from '../objects.js';
import { checkEscapedSettings, escapedEncoder, readEscapedBatches } from './escaped.js';
import type { EscapedSettings } from './escaped.js';
import { columnsSignature, decodeSpelling, makeFormat, parseColumns } from './format.js';
import type { DataFormat } from './format.js';

/** The CSV format of data format object `obj`, or the default CSV when undefined. */
export function dpCsv(obj?: ObjectView): DataFormat {
  const settings: EscapedSettings = {
    label: 'CSV',
    objectId: obj?.id,
    separator: ',',
    recordSeparator: '\n',
    escape: decodeSpelling(obj?.value('escapeChar') ?? '\\'),
    columns: obj ? parseColumns(obj.id, obj.values('column')) : undefined,
  };
  checkEscapedSettings(settings);
  return makeFormat({
    type: 'CSV',
    objectId: obj?.id,
    columns: settings.columns,
    signature: `CSV esc=${JSON.stringify(settings.escape)} columns=${columnsSignature(settings.columns)}`,
    escaped: { separator: settings.separator, recordSeparator: settings.recordSeparator, escape: settings.escape },
    batches: (input) => readEscapedBatches(input, settings),
    encoder: () => escapedEncoder(settings),
  });
}
