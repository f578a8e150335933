/** PigActivity: runs a Pig script on an EMR cluster (dp-object-pigactivity). */
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

export const pigActivity: ObjectTypeDescriptor = {
  type: 'PigActivity',
  kind: 'activity',
  required: [],
  exactlyOneOf: [['script', 'scriptUri'], ROUTING_GROUP],
  refs: { ...ACTIVITY_REFS, ...EMR_TASK_CONFIG_REFS },
  fields: [...ACTIVITY_FIELDS, ...EMR_RESIZE_FIELDS, 'scriptVariable', 'stage'],
  refTypes: EMR_TASK_CONFIG_TYPES,
  periodFields: RUNNABLE_PERIODS,
};
