/** RedshiftCopyActivity: COPY from S3/DynamoDB into Redshift (dp-object-redshiftcopyactivity). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { ACTIVITY_FIELDS, ACTIVITY_REFS, ROUTING_GROUP, RUNNABLE_PERIODS } from './common.js';

export const redshiftCopyActivity: ObjectTypeDescriptor = {
  type: 'RedshiftCopyActivity',
  kind: 'activity',
  required: ['insertMode'],
  exactlyOneOf: [ROUTING_GROUP],
  refs: ACTIVITY_REFS,
  fields: [...ACTIVITY_FIELDS, 'commandOptions', 'queue', 'transformSql'],
  periodFields: RUNNABLE_PERIODS,
};
