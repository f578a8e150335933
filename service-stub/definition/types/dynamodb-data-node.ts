/** DynamoDBDataNode: a DynamoDB table, for EMR activities (dp-object-dynamodbdatanode). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { DATANODE_FIELDS, DATANODE_REFS, RUNNABLE_PERIODS } from './common.js';

export const dynamoDBDataNode: ObjectTypeDescriptor = {
  type: 'DynamoDBDataNode',
  kind: 'datanode',
  required: ['tableName'],
  exactlyOneOf: [],
  refs: { ...DATANODE_REFS, dataFormat: ['format'] },
  fields: [...DATANODE_FIELDS, 'readThroughputPercent', 'region', 'writeThroughputPercent'],
  periodFields: RUNNABLE_PERIODS,
};
