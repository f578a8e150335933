/** ShellScriptConfig: pre/post activity script for EMR-side activities (dp-object-shellscriptconfig). */
import type { ObjectTypeDescriptor } from './descriptor.js';

export const shellScriptConfig: ObjectTypeDescriptor = {
  type: 'ShellScriptConfig',
  kind: 'utility',
  required: [],
  exactlyOneOf: [],
  refs: {},
  fields: ['scriptArgument', 'scriptUri'],
};
