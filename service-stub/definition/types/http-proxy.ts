/** HttpProxy: proxy settings for resources launched by the service (dp-object-httpproxy). */
import type { ObjectTypeDescriptor } from './descriptor.js';

export const httpProxy: ObjectTypeDescriptor = {
  type: 'HttpProxy',
  kind: 'utility',
  required: ['hostname', 'port'],
  exactlyOneOf: [],
  refs: {},
  fields: ['*password', 's3NoProxy', 'username', 'windowsDomain', 'windowsWorkgroup'],
};
