/** RedshiftDatabase: an Amazon Redshift cluster (dp-object-redshiftdatabase). */
import type { ObjectTypeDescriptor } from './descriptor.js';

export const redshiftDatabase: ObjectTypeDescriptor = {
  type: 'RedshiftDatabase',
  kind: 'database',
  required: ['username', '*password'],
  exactlyOneOf: [['clusterId', 'connectionString']],
  refs: {},
  fields: ['databaseName', 'jdbcProperties', 'region'],
};
