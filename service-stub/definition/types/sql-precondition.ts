/**
 * SqlPrecondition: OUR EXTENSION, not an AWS type (scheduler.md 3.2 [EXT]). Met when `query` on `database` returns at
 * least one row. Pipelines using it will not load on real AWS; the portable form is a ShellCommandPrecondition
 * running a SQL client (scheduler.md 13.3).
 */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { PRECONDITION_PERIODS, USER_PRECONDITION_FIELDS, USER_PRECONDITION_REFS } from './common.js';

export const sqlPrecondition: ObjectTypeDescriptor = {
  type: 'SqlPrecondition',
  kind: 'precondition',
  required: ['database', 'query'],
  exactlyOneOf: [],
  refs: { ...USER_PRECONDITION_REFS, database: ['database'] },
  fields: [...USER_PRECONDITION_FIELDS, 'scriptArgument'],
  periodFields: PRECONDITION_PERIODS,
  extension: true,
};
