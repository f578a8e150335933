/** SqlActivity: runs a SQL script on a database (dp-object-sqlactivity). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { ACTIVITY_FIELDS, ACTIVITY_REFS, ROUTING_GROUP, RUNNABLE_PERIODS } from './common.js';

export const sqlActivity: ObjectTypeDescriptor = {
  type: 'SqlActivity',
  kind: 'activity',
  required: ['database'],
  exactlyOneOf: [['script', 'scriptUri'], ROUTING_GROUP],
  refs: { ...ACTIVITY_REFS, database: ['database'] },
  fields: [...ACTIVITY_FIELDS, 'queue', 'scriptArgument'],
  periodFields: RUNNABLE_PERIODS,
};
