/** HadoopActivity: runs a MapReduce job (dp-object-hadoopactivity). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { ACTIVITY_FIELDS, ACTIVITY_REFS, EMR_TASK_CONFIG_REFS, EMR_TASK_CONFIG_TYPES, ROUTING_GROUP, RUNNABLE_PERIODS } from './common.js';

export const hadoopActivity: ObjectTypeDescriptor = {
  type: 'HadoopActivity',
  kind: 'activity',
  required: ['jarUri'],
  exactlyOneOf: [ROUTING_GROUP],
  refs: { ...ACTIVITY_REFS, ...EMR_TASK_CONFIG_REFS },
  fields: [...ACTIVITY_FIELDS, 'argument', 'hadoopQueue', 'mainClass'],
  refTypes: EMR_TASK_CONFIG_TYPES,
  periodFields: RUNNABLE_PERIODS,
};
