/** S3KeyExists: system-managed check that an S3 key exists (dp-object-S3KeyExists). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { ACTION_REFS, PRECONDITION_FIELDS, PRECONDITION_PERIODS } from './common.js';

export const s3KeyExists: ObjectTypeDescriptor = {
  type: 'S3KeyExists',
  kind: 'precondition',
  required: ['role', 's3Key'],
  exactlyOneOf: [],
  refs: ACTION_REFS,
  // workerGroup: only when set on the object itself does a runner take it (inherit.ts does not inherit it)
  fields: [...PRECONDITION_FIELDS, 'workerGroup'],
  periodFields: PRECONDITION_PERIODS,
  systemManaged: true,
};
