/** ShellCommandActivity: runs a command or script (dp-object-shellcommandactivity). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { ACTIVITY_FIELDS, ACTIVITY_REFS, ROUTING_GROUP, RUNNABLE_PERIODS } from './common.js';

export const shellCommandActivity: ObjectTypeDescriptor = {
  type: 'ShellCommandActivity',
  kind: 'activity',
  required: [],
  exactlyOneOf: [['command', 'scriptUri'], ROUTING_GROUP],
  refs: ACTIVITY_REFS,
  fields: [...ACTIVITY_FIELDS, 'scriptArgument', 'stage', 'stderr', 'stdout'],
  periodFields: RUNNABLE_PERIODS,
};
