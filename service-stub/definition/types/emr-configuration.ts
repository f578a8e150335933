/** EmrConfiguration: an EMR configuration classification with properties (dp-object-emrconfiguration). */
import type { ObjectTypeDescriptor } from './descriptor.js';

export const emrConfiguration: ObjectTypeDescriptor = {
  type: 'EmrConfiguration',
  kind: 'utility',
  required: ['classification'],
  exactlyOneOf: [],
  refs: { configuration: ['utility'], property: ['utility'] },
  refTypes: { configuration: ['EmrConfiguration'], property: ['Property'] },
  fields: [],
};
