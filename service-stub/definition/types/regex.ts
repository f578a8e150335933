/** RegEx data format: columns parsed by a regular expression (dp-object-regex). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { FORMAT_FIELDS } from './common.js';

export const regEx: ObjectTypeDescriptor = {
  type: 'RegEx',
  kind: 'format',
  required: [],
  exactlyOneOf: [],
  refs: {},
  fields: [...FORMAT_FIELDS, 'inputRegEx', 'outputFormat'],
};
