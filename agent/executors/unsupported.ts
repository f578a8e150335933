/**
 * Object types this agent does not run fail at once with a message that says why, instead of hanging or being
 * misreported (taskrunner.md 3.1): the user sees the reason on the attempt in the console or CLI.
 */
import type { Executor, Outcome } from './executor.js';

type Kind = 'activity' | 'precondition';

const EMR = 'it needs an EMR cluster with Hadoop (runsOn an EmrCluster), which a worker-group host does not provide';
const DYNAMODB = 'it checks DynamoDB, which this agent does not talk to; the AWS service runs this precondition itself when it is not on a worker group';

/** Types that need something a worker-group host does not have. */
const NOT_ON_WORKER_GROUP: Readonly<Record<string, { kind: Kind; why: string }>> = {
  EmrActivity: { kind: 'activity', why: EMR },
  HiveActivity: { kind: 'activity', why: EMR },
  HiveCopyActivity: { kind: 'activity', why: EMR },
  PigActivity: { kind: 'activity', why: EMR },
  HadoopActivity: { kind: 'activity', why: EMR },
  RedshiftCopyActivity: { kind: 'activity', why: 'it needs a Redshift cluster and an S3 staging path, which this agent does not support' },
  DynamoDBDataExists: { kind: 'precondition', why: DYNAMODB },
  DynamoDBTableExists: { kind: 'precondition', why: DYNAMODB },
};

/** Types an issue will add; until then they fail with "not built yet". */
export const PLANNED_TYPES: Readonly<Record<string, Kind>> = {};

export const KNOWN_UNSUPPORTED_TYPES: readonly string[] = Object.keys(NOT_ON_WORKER_GROUP);

/** Precondition type names end like this; everything else unknown is taken for an activity. */
function kindOf(type: string): Kind {
  return NOT_ON_WORKER_GROUP[type]?.kind ?? PLANNED_TYPES[type] ?? (/(Precondition|Exists|NotEmpty)$/.test(type) ? 'precondition' : 'activity');
}

/** The outcome for an object of `type` this agent cannot run; `supported` lists what it does run. */
export function unsupportedOutcome(type: string | undefined, supported: readonly string[]): Outcome {
  const name = type ?? '';
  const kind = kindOf(name);
  const errorId = kind === 'precondition' ? 'UnsupportedPreconditionType' : 'UnsupportedActivityType';
  const known = NOT_ON_WORKER_GROUP[name];
  let errorMessage: string;
  if (known) errorMessage = `${name} cannot run on this Task Runner: ${known.why}`;
  else if (PLANNED_TYPES[name]) errorMessage = `${name} support is not built into this Task Runner yet; it runs: ${supported.join(', ')}`;
  else if (type === undefined || type.trim() === '') errorMessage = `The task's object has no type; this Task Runner runs: ${supported.join(', ')}`;
  else errorMessage = `Unknown ${kind} type ${name}; this Task Runner runs: ${supported.join(', ')}`;
  return { status: 'FAILED', errorId, errorMessage };
}

/** An executor that fails every attempt of `type` at once. */
export function unsupportedExecutor(type: string | undefined, supported: readonly string[]): Executor {
  return {
    types: type === undefined ? [] : [type],
    execute: async () => unsupportedOutcome(type, supported),
  };
}
