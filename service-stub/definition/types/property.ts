/** Property: one key/value of an EmrConfiguration (dp-object-property). */
import type { ObjectTypeDescriptor } from './descriptor.js';

export const property: ObjectTypeDescriptor = {
  type: 'Property',
  kind: 'utility',
  required: ['key', 'value'],
  exactlyOneOf: [],
  refs: {},
  fields: [],
};
