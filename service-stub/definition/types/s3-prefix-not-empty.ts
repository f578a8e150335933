/** S3PrefixNotEmpty: system-managed check that an S3 prefix has objects (dp-object-s3prefixnotempty). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { ACTION_REFS, PRECONDITION_FIELDS, PRECONDITION_PERIODS } from './common.js';

export const s3PrefixNotEmpty: ObjectTypeDescriptor = {
  type: 'S3PrefixNotEmpty',
  kind: 'precondition',
  required: ['role', 's3Prefix'],
  exactlyOneOf: [],
  refs: ACTION_REFS,
  fields: [...PRECONDITION_FIELDS, 'workerGroup'],
  periodFields: PRECONDITION_PERIODS,
  systemManaged: true,
};
