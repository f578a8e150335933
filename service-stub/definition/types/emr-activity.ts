/** EmrActivity: runs steps on an EMR cluster (dp-object-emractivity). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { ACTIVITY_FIELDS, ACTIVITY_REFS, EMR_RESIZE_FIELDS, ROUTING_GROUP, RUNNABLE_PERIODS } from './common.js';

export const emrActivity: ObjectTypeDescriptor = {
  type: 'EmrActivity',
  kind: 'activity',
  required: [],
  exactlyOneOf: [ROUTING_GROUP],
  refs: ACTIVITY_REFS,
  fields: [...ACTIVITY_FIELDS, ...EMR_RESIZE_FIELDS, 'postStepCommand', 'preStepCommand', 'step'],
  periodFields: RUNNABLE_PERIODS,
};
