/** RdsDatabase: an Amazon RDS instance (dp-object-rdsdatabase). */
import type { ObjectTypeDescriptor } from './descriptor.js';

export const rdsDatabase: ObjectTypeDescriptor = {
  type: 'RdsDatabase',
  kind: 'database',
  required: ['rdsInstanceId', 'username', '*password'],
  exactlyOneOf: [],
  refs: {},
  fields: ['databaseName', 'jdbcDriverJarUri', 'jdbcProperties', 'region'],
};
