/** ShellCommandPrecondition: a command whose exit 0 means "met" (dp-object-shellcommandprecondition). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { PRECONDITION_PERIODS, USER_PRECONDITION_FIELDS, USER_PRECONDITION_REFS } from './common.js';

export const shellCommandPrecondition: ObjectTypeDescriptor = {
  type: 'ShellCommandPrecondition',
  kind: 'precondition',
  required: [],
  exactlyOneOf: [['command', 'scriptUri']],
  refs: USER_PRECONDITION_REFS,
  fields: [...USER_PRECONDITION_FIELDS, 'scriptArgument', 'stderr', 'stdout'],
  periodFields: PRECONDITION_PERIODS,
};
