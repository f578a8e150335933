/** Custom data format: a column separator of your choice (dp-object-custom). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { FORMAT_FIELDS } from './common.js';

export const custom: ObjectTypeDescriptor = {
  type: 'Custom',
  kind: 'format',
  required: ['columnSeparator'],
  exactlyOneOf: [],
  refs: {},
  fields: [...FORMAT_FIELDS, 'recordSeparator'],
};
