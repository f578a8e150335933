/**
 * `TSV` (taskrunner.md 3.10): `columnSeparator` (default tab), `recordSeparator` (default LF), `escapeChar`
 * (default `\`), each one character; the same escaping as CopyActivity's CSV (escaped.ts).
 */
import type { ObjectView } from '../objects.js';
import { checkEscapedSettings, escapedEncoder, readEscapedBatches } from './escaped.js';
import type { EscapedSettings } from './escaped.js';
import { columnsSignature, decodeSpelling, makeFormat, parseColumns } from './format.js';
import type { DataFormat } from './format.js';

export function tsv(obj: ObjectView): DataFormat {
  const settings: EscapedSettings = {
    label: 'TSV',
    objectId: obj.id,
    separator: decodeSpelling(obj.value('columnSeparator') ?? '\t'),
    recordSeparator: decodeSpelling(obj.value('recordSeparator') ?? '\n'),
    escape: decodeSpelling(obj.value('escapeChar') ?? '\\'),
    columns: parseColumns(obj.id, obj.values('column')),
  };
  checkEscapedSettings(settings);
  const { separator, recordSeparator, escape } = settings;
  return makeFormat({
    type: 'TSV',
    objectId: obj.id,
    columns: settings.columns,
    signature: `TSV ${JSON.stringify([separator, recordSeparator, escape])} columns=${columnsSignature(settings.columns)}`,
    escaped: { separator, recordSeparator, escape },
    batches: (input) => readEscapedBatches(input, settings),
    encoder: () => escapedEncoder(settings),
  });
}
