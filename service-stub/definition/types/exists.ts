/** Exists: checks that the referring data node exists; user-managed (dp-object-exists). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { PRECONDITION_PERIODS, USER_PRECONDITION_FIELDS, USER_PRECONDITION_REFS } from './common.js';

export const exists: ObjectTypeDescriptor = {
  type: 'Exists',
  kind: 'precondition',
  required: [],
  exactlyOneOf: [],
  refs: USER_PRECONDITION_REFS,
  fields: USER_PRECONDITION_FIELDS,
  periodFields: PRECONDITION_PERIODS,
};
