/** HiveCopyActivity: copies between DynamoDB/S3 through Hive (dp-object-hivecopyactivity). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import {
  ACTIVITY_FIELDS,
  ACTIVITY_REFS,
  EMR_RESIZE_FIELDS,
  EMR_TASK_CONFIG_REFS,
  EMR_TASK_CONFIG_TYPES,
  ROUTING_GROUP,
  RUNNABLE_PERIODS,
} from './common.js';

export const hiveCopyActivity: ObjectTypeDescriptor = {
  type: 'HiveCopyActivity',
  kind: 'activity',
  required: [],
  exactlyOneOf: [ROUTING_GROUP],
  refs: { ...ACTIVITY_REFS, ...EMR_TASK_CONFIG_REFS },
  fields: [...ACTIVITY_FIELDS, ...EMR_RESIZE_FIELDS, 'filterSql'],
  refTypes: EMR_TASK_CONFIG_TYPES,
  periodFields: RUNNABLE_PERIODS,
};
