/** DynamoDBTableExists: system-managed check that a DynamoDB table exists (dp-dynamodbtableexists). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { ACTION_REFS, PRECONDITION_FIELDS, PRECONDITION_PERIODS } from './common.js';

export const dynamoDBTableExists: ObjectTypeDescriptor = {
  type: 'DynamoDBTableExists',
  kind: 'precondition',
  required: ['role', 'tableName'],
  exactlyOneOf: [],
  refs: ACTION_REFS,
  fields: [...PRECONDITION_FIELDS, 'workerGroup'],
  periodFields: PRECONDITION_PERIODS,
  systemManaged: true,
};
