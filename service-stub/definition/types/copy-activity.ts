/** CopyActivity: record copy between S3 and SQL data nodes (dp-object-copyactivity). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { ACTIVITY_FIELDS, ACTIVITY_REFS, ROUTING_GROUP, RUNNABLE_PERIODS } from './common.js';

export const copyActivity: ObjectTypeDescriptor = {
  type: 'CopyActivity',
  kind: 'activity',
  required: [],
  exactlyOneOf: [ROUTING_GROUP],
  refs: ACTIVITY_REFS,
  fields: ACTIVITY_FIELDS,
  periodFields: RUNNABLE_PERIODS,
};
