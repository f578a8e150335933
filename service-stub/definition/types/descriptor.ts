/**
 * The shape of one object type's rules. One descriptor per AWS Data Pipeline object type lives in its own file
 * under types/; registry.ts lists them. Field lists follow the Developer Guide's "dp-object-*" reference pages.
 */
export type ObjectKind =
  | 'activity'
  | 'datanode'
  | 'precondition'
  | 'database'
  | 'format'
  | 'resource'
  | 'schedule'
  | 'action'
  | 'utility';

export interface ObjectTypeDescriptor {
  /** The `type` value, e.g. 'ShellCommandActivity'. */
  readonly type: string;
  readonly kind: ObjectKind;
  /** Fields that must be present after inheritance. */
  readonly required: readonly string[];
  /**
   * Fields AWS requires that a self-hosted setup may lack for good reason (e.g. a password for a database with
   * trust or socket authentication): missing is a warning here, naming AWS's rule, not an error.
   */
  readonly awsRequired?: readonly string[];
  /**
   * Groups of which exactly one field must be present (after inheritance). The activity group
   * ['runsOn', 'workerGroup'] is the exception: at least one, both allowed (runsOn wins, scheduler.md 3.3).
   */
  readonly exactlyOneOf: readonly (readonly string[])[];
  /** Reference fields and the kinds of object they may point to. */
  readonly refs: Readonly<Record<string, readonly ObjectKind[]>>;
  /** Every other documented (optional) field, so unknown fields can be warned about. */
  readonly fields: readonly string[];
  /**
   * Narrower than `refs` where a kind is too broad: reference fields whose target must be one of these exact types
   * (e.g. httpProxy -> HttpProxy, not any utility).
   */
  readonly refTypes?: Readonly<Record<string, readonly string[]>>;
  /** Fields holding a Period ("N unit"). */
  readonly periodFields?: readonly string[];
  /** Preconditions the service runs itself unless given a workerGroup (scheduler.md 3.2). */
  readonly systemManaged?: boolean;
  /** Our own type that real AWS would reject (scheduler.md [EXT]). */
  readonly extension?: boolean;
}

/** Name used in "values must be of type '<T>'" messages for each kind. */
export const KIND_LABEL: Readonly<Record<ObjectKind, string>> = {
  activity: 'Activity',
  datanode: 'DataNode',
  precondition: 'Precondition',
  database: 'Database',
  format: 'DataFormat',
  resource: 'Resource',
  schedule: 'Schedule',
  action: 'Action',
  utility: 'Utility',
};

/** Fields every object may carry whatever its type. */
export const UNIVERSAL_FIELDS: readonly string[] = ['type', 'parent'];

/** Every field name a descriptor knows (required, groups, refs, optional, periods, universal). */
export function knownFields(d: ObjectTypeDescriptor): Set<string> {
  const s = new Set<string>(UNIVERSAL_FIELDS);
  for (const f of d.required) s.add(f);
  for (const f of d.awsRequired ?? []) s.add(f);
  for (const g of d.exactlyOneOf) for (const f of g) s.add(f);
  for (const f of Object.keys(d.refs)) s.add(f);
  for (const f of d.fields) s.add(f);
  for (const f of d.periodFields ?? []) s.add(f);
  return s;
}
