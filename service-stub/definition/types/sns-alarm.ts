/** SnsAlarm: publishes an SNS message from onSuccess/onFail/onLateAction (dp-object-snsalarm). */
import type { ObjectTypeDescriptor } from './descriptor.js';

export const snsAlarm: ObjectTypeDescriptor = {
  type: 'SnsAlarm',
  kind: 'action',
  required: ['message', 'role', 'subject', 'topicArn'],
  exactlyOneOf: [],
  refs: {},
  fields: [],
};
