/** What the engine needs from the object model; the scheduler adapts its own objects to this. */
export interface ExprObject {
  readonly id: string;
  /** Values of `key` on this object after inheritance, in field order; a reference value is the referenced ExprObject.
   *  undefined when the object has no such key. Runtime fields are keys too ('@scheduledStartTime', '@id', '@pipelineId', ...). */
  get(key: string): ReadonlyArray<string | ExprObject> | undefined;
}

export interface EvalContext {
  self: ExprObject;
  /** `node`: the instance that referenced this precondition or action; absent elsewhere (then `node` is an error). */
  node?: ExprObject;
  /** Parameter values by id (e.g. 'myVar', '*myPassword'), already with defaults applied; arrays for isArray parameters. */
  params?: ReadonlyMap<string, readonly string[]>;
}
