/** JdbcDatabase: any database reachable through a JDBC URL (dp-object-jdbcdatabase). */
import type { ObjectTypeDescriptor } from './descriptor.js';

export const jdbcDatabase: ObjectTypeDescriptor = {
  type: 'JdbcDatabase',
  kind: 'database',
  required: ['connectionString', 'jdbcDriverClass', 'username'],
  awsRequired: ['*password'],
  exactlyOneOf: [],
  refs: {},
  fields: ['databaseName', 'jdbcDriverJarUri', 'jdbcProperties'],
};
