/** DynamoDBExportDataFormat: DynamoDB export schema for HiveCopyActivity (dp-object-dynamodbexportdataformat). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { FORMAT_FIELDS } from './common.js';

export const dynamoDBExportDataFormat: ObjectTypeDescriptor = {
  type: 'DynamoDBExportDataFormat',
  kind: 'format',
  required: [],
  exactlyOneOf: [],
  refs: {},
  fields: FORMAT_FIELDS,
};
