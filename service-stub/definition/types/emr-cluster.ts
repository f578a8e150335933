/** EmrCluster: an EMR cluster the service launches (dp-object-emrcluster). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { RESOURCE_FIELDS, RESOURCE_PERIODS, RESOURCE_REFS } from './common.js';

export const emrCluster: ObjectTypeDescriptor = {
  type: 'EmrCluster',
  kind: 'resource',
  required: [],
  exactlyOneOf: [],
  refs: { ...RESOURCE_REFS, configuration: ['utility'] },
  fields: [
    ...RESOURCE_FIELDS,
    'additionalMasterSecurityGroupIds',
    'additionalSlaveSecurityGroupIds',
    'amiVersion',
    'applications',
    'bootstrapAction',
    'coreInstanceBidPrice',
    'coreInstanceCount',
    'coreInstanceType',
    'emrManagedMasterSecurityGroupId',
    'emrManagedSlaveSecurityGroupId',
    'enableDebugging',
    'hadoopSchedulerType',
    'hadoopVersion', // older field still used by doc examples
    'masterInstanceBidPrice',
    'masterInstanceType',
    'releaseLabel',
    'resourceRole',
    'role',
    'supportedProducts',
    'taskInstanceBidPrice',
    'taskInstanceCount',
    'taskInstanceType',
  ],
  refTypes: { httpProxy: ['HttpProxy'], configuration: ['EmrConfiguration'] },
  periodFields: RESOURCE_PERIODS,
};
