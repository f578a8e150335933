/** DynamoDBDataFormat: Hive schema for a DynamoDB table (dp-object-dynamodbdataformat). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { FORMAT_FIELDS } from './common.js';

export const dynamoDBDataFormat: ObjectTypeDescriptor = {
  type: 'DynamoDBDataFormat',
  kind: 'format',
  required: [],
  exactlyOneOf: [],
  refs: {},
  fields: FORMAT_FIELDS,
};
