/** Schedule: period, start and end of a scheduled component (dp-object-schedule, scheduler.md 2.1). */
import type { ObjectTypeDescriptor } from './descriptor.js';

export const schedule: ObjectTypeDescriptor = {
  type: 'Schedule',
  kind: 'schedule',
  required: ['period'],
  exactlyOneOf: [['startAt', 'startDateTime']],
  refs: {},
  fields: ['endDateTime', 'occurrences'],
  periodFields: ['period'],
};
