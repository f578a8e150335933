/** TSV data format (dp-object-tsv). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { FORMAT_FIELDS } from './common.js';

export const tsv: ObjectTypeDescriptor = {
  type: 'TSV',
  kind: 'format',
  required: [],
  exactlyOneOf: [],
  refs: {},
  fields: [...FORMAT_FIELDS, 'columnSeparator', 'escapeChar', 'recordSeparator'],
};
