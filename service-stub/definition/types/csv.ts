/** CSV data format (dp-object-csv). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { FORMAT_FIELDS } from './common.js';

export const csv: ObjectTypeDescriptor = {
  type: 'CSV',
  kind: 'format',
  required: [],
  exactlyOneOf: [],
  refs: {},
  fields: [...FORMAT_FIELDS, 'escapeChar'],
};
