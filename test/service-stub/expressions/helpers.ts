import type { EvalContext, ExprObject } from '../../../service-stub/expressions/index.js';

type FieldValue = string | ExprObject | ReadonlyArray<string | ExprObject>;

/** A plain in-memory ExprObject; fields may be set after creation so objects can reference each other. */
export class TestObject implements ExprObject {
  private readonly fields = new Map<string, ReadonlyArray<string | ExprObject>>();
  constructor(
    readonly id: string,
    fields: Record<string, FieldValue> = {},
  ) {
    for (const [k, v] of Object.entries(fields)) this.set(k, v);
  }
  set(key: string, value: FieldValue): this {
    this.fields.set(key, typeof value === 'string' || !Array.isArray(value) ? [value as string | ExprObject] : value);
    return this;
  }
  get(key: string): ReadonlyArray<string | ExprObject> | undefined {
    return this.fields.get(key);
  }
}

/** The doc's example instant (scheduler.md 9.4). */
export const MY_DATE_TIME = '2011-05-24T17:10:00';

export function ctxFor(fields: Record<string, FieldValue> = {}, extra: Partial<EvalContext> = {}): EvalContext {
  return { self: new TestObject('Self', { '@scheduledStartTime': MY_DATE_TIME, myDateTime: MY_DATE_TIME, ...fields }), ...extra };
}
