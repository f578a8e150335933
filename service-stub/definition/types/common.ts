/**
 * Field groups shared by many types, taken from the common rows of the Developer Guide tables, so each type file
 * lists only what is particular to it.
 */
import type { ObjectKind } from './descriptor.js';

type Refs = Readonly<Record<string, readonly ObjectKind[]>>;

/** Event fields: onFail / onSuccess / onLateAction take action objects. */
export const ACTION_REFS: Refs = { onFail: ['action'], onSuccess: ['action'], onLateAction: ['action'] };

/** Fields the runnable tables (activities, data nodes, preconditions, resources) share. */
export const RUNNABLE_FIELDS = [
  'attemptStatus',
  'attemptTimeout',
  'failureAndRerunMode',
  'lateAfterTimeout',
  'maximumRetries',
  'reportProgressTimeout',
  'retryDelay',
] as const;

/** Period fields of runnable objects. */
export const RUNNABLE_PERIODS = ['attemptTimeout', 'lateAfterTimeout', 'reportProgressTimeout', 'retryDelay'] as const;

/** Scheduled components (activities, data nodes, resources) add these. */
export const SCHEDULED_FIELDS = ['maxActiveInstances', 'pipelineLogUri', 'scheduleType'] as const;

/**
 * dependsOn: the guide says "another runnable object" (example myActivityId); activities and data nodes are the
 * runnable objects that have instances one can wait for.
 */
const DEPENDS_ON: readonly ObjectKind[] = ['activity', 'datanode'];

/** References every activity has. */
export const ACTIVITY_REFS: Refs = {
  schedule: ['schedule'],
  runsOn: ['resource'],
  dependsOn: DEPENDS_ON,
  input: ['datanode'],
  output: ['datanode'],
  precondition: ['precondition'],
  ...ACTION_REFS,
};

/** The activity routing group: at least one of them (validate.ts treats this group specially). */
export const ROUTING_GROUP: readonly string[] = ['runsOn', 'workerGroup'];

/** Fields every activity has besides its refs. */
export const ACTIVITY_FIELDS: readonly string[] = [...RUNNABLE_FIELDS, ...SCHEDULED_FIELDS];

/** EMR-side activities (Hive, HiveCopy, Pig, Hadoop) add task configs and cluster resizing. */
export const EMR_TASK_CONFIG_REFS: Refs = {
  preActivityTaskConfig: ['utility'],
  postActivityTaskConfig: ['utility'],
};
export const EMR_TASK_CONFIG_TYPES: Readonly<Record<string, readonly string[]>> = {
  preActivityTaskConfig: ['ShellScriptConfig'],
  postActivityTaskConfig: ['ShellScriptConfig'],
};
export const EMR_RESIZE_FIELDS: readonly string[] = ['resizeClusterBeforeRunning', 'resizeClusterMaxInstances'];

/** References every data node has (data nodes may carry their own runsOn/workerGroup, taskrunner.md 3.8). */
export const DATANODE_REFS: Refs = {
  schedule: ['schedule'],
  runsOn: ['resource'],
  dependsOn: DEPENDS_ON,
  precondition: ['precondition'],
  ...ACTION_REFS,
};
export const DATANODE_FIELDS: readonly string[] = [...RUNNABLE_FIELDS, ...SCHEDULED_FIELDS, 'workerGroup'];

/** Preconditions: the common table plus preconditionTimeout. */
export const PRECONDITION_FIELDS: readonly string[] = [...RUNNABLE_FIELDS, 'preconditionTimeout'];
export const PRECONDITION_PERIODS: readonly string[] = [...RUNNABLE_PERIODS, 'preconditionTimeout'];

/**
 * User-managed preconditions run on a runner: they may name where (runsOn/workerGroup) and where to put logs.
 * Not in their guide tables, but scheduler.md 3.2 routes them that way [INF].
 */
export const USER_PRECONDITION_REFS: Refs = { ...ACTION_REFS, runsOn: ['resource'] };
export const USER_PRECONDITION_FIELDS: readonly string[] = [...PRECONDITION_FIELDS, 'workerGroup', 'pipelineLogUri'];

/** Resources (Ec2Resource, EmrCluster): runsOn and workerGroup are "not allowed" on them, so absent here. */
export const RESOURCE_REFS: Refs = { schedule: ['schedule'], httpProxy: ['utility'], ...ACTION_REFS };
export const RESOURCE_FIELDS: readonly string[] = [
  ...RUNNABLE_FIELDS,
  ...SCHEDULED_FIELDS,
  'actionOnResourceFailure',
  'actionOnTaskFailure',
  'availabilityZone',
  'initTimeout',
  'keyPair',
  'region',
  'subnetId',
  'terminateAfter',
  'useOnDemandOnLastAttempt',
];
export const RESOURCE_PERIODS: readonly string[] = [...RUNNABLE_PERIODS, 'initTimeout', 'terminateAfter'];

/** Data formats: columns plus parent. */
export const FORMAT_FIELDS: readonly string[] = ['column'];
