/** Ec2Resource: an EC2 instance the service launches (dp-object-ec2resource). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { RESOURCE_FIELDS, RESOURCE_PERIODS, RESOURCE_REFS } from './common.js';

export const ec2Resource: ObjectTypeDescriptor = {
  type: 'Ec2Resource',
  kind: 'resource',
  required: ['resourceRole', 'role'],
  exactlyOneOf: [],
  refs: RESOURCE_REFS,
  fields: [
    ...RESOURCE_FIELDS,
    'associatePublicIpAddress',
    'imageId',
    'instanceCount',
    'instanceType',
    'minInstanceCount',
    'runAsUser',
    'securityGroupIds',
    'securityGroups',
    'spotBidPrice',
  ],
  refTypes: { httpProxy: ['HttpProxy'] },
  periodFields: RESOURCE_PERIODS,
};
