/** RedshiftDataNode: a Redshift table (dp-object-redshiftdatanode). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { DATANODE_FIELDS, DATANODE_REFS, RUNNABLE_PERIODS } from './common.js';

export const redshiftDataNode: ObjectTypeDescriptor = {
  type: 'RedshiftDataNode',
  kind: 'datanode',
  required: ['database', 'tableName'],
  exactlyOneOf: [],
  refs: { ...DATANODE_REFS, database: ['database'] },
  fields: [...DATANODE_FIELDS, 'createTableSql', 'primaryKeys', 'schemaName'],
  periodFields: RUNNABLE_PERIODS,
};
