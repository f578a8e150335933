/** MySqlDataNode: deprecated alias of SqlDataNode for MySQL (dp-object-mysqldatanode). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { DATANODE_REFS, RUNNABLE_PERIODS } from './common.js';
import { SQL_NODE_FIELDS } from './sql-data-node.js';

export const mySqlDataNode: ObjectTypeDescriptor = {
  type: 'MySqlDataNode',
  kind: 'datanode',
  required: ['table'],
  exactlyOneOf: [],
  refs: { ...DATANODE_REFS, database: ['database'] },
  fields: SQL_NODE_FIELDS,
  periodFields: RUNNABLE_PERIODS,
};
