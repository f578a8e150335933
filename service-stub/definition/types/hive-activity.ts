/** HiveActivity: runs a Hive query on an EMR cluster (dp-object-hiveactivity). */
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

export const hiveActivity: ObjectTypeDescriptor = {
  type: 'HiveActivity',
  kind: 'activity',
  required: [],
  exactlyOneOf: [['hiveScript', 'scriptUri'], ROUTING_GROUP],
  refs: { ...ACTIVITY_REFS, ...EMR_TASK_CONFIG_REFS },
  fields: [...ACTIVITY_FIELDS, ...EMR_RESIZE_FIELDS, 'hadoopQueue', 'scriptVariable', 'stage'],
  refTypes: EMR_TASK_CONFIG_TYPES,
  periodFields: RUNNABLE_PERIODS,
};
