/** DynamoDBDataExists: system-managed check that a DynamoDB table has data (dp-dynamodbdataexists). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { ACTION_REFS, PRECONDITION_FIELDS, PRECONDITION_PERIODS } from './common.js';

export const dynamoDBDataExists: ObjectTypeDescriptor = {
  type: 'DynamoDBDataExists',
  kind: 'precondition',
  required: ['role', 'tableName'],
  exactlyOneOf: [],
  refs: ACTION_REFS,
  fields: [...PRECONDITION_FIELDS, 'workerGroup'],
  periodFields: PRECONDITION_PERIODS,
  systemManaged: true,
};
