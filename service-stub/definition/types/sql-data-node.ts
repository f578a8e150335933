/** SqlDataNode: a table in a SQL database (dp-object-sqldatanode). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { DATANODE_FIELDS, DATANODE_REFS, RUNNABLE_PERIODS } from './common.js';

/**
 * Doc examples also put connectionString/username/*password inline instead of a database ref (legacy style,
 * taskrunner.md 3.8), so those are known fields too.
 */
export const SQL_NODE_FIELDS: readonly string[] = [
  ...DATANODE_FIELDS,
  'createTableSql',
  'insertQuery',
  'schemaName',
  'selectQuery',
  'connectionString',
  'username',
  '*password',
];

export const sqlDataNode: ObjectTypeDescriptor = {
  type: 'SqlDataNode',
  kind: 'datanode',
  required: ['table'],
  exactlyOneOf: [],
  refs: { ...DATANODE_REFS, database: ['database'] },
  fields: SQL_NODE_FIELDS,
  periodFields: RUNNABLE_PERIODS,
};
