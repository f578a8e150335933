/** Terminate: cancels a late pending/unfinished object (dp-object-terminate). */
import type { ObjectTypeDescriptor } from './descriptor.js';

export const terminate: ObjectTypeDescriptor = {
  type: 'Terminate',
  kind: 'action',
  required: [],
  exactlyOneOf: [],
  refs: {},
  fields: [],
};
