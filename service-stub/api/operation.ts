import type { Schema } from '../../protocol/codec.js';
import type { OperationName } from '../../protocol/shapes.js';
import type { Services } from '../core/services.js';
import type { Caller } from '../http/sigv4.js';

export interface OpContext {
  readonly services: Services;
  readonly caller: Caller;
  readonly requestId: string;
  /** Aborted when the client goes away or the server shuts down (held polls answer empty then). */
  readonly signal: AbortSignal;
}

/** One API operation: its input shape (checked before `run`) and its handler. `undefined` = empty 200 body. */
export interface Operation<I = unknown, O = unknown> {
  readonly name: OperationName;
  readonly input: Schema;
  run(ctx: OpContext, input: I): Promise<O | undefined>;
}

export function defineOperation<I, O>(op: Operation<I, O>): Operation<I, O> {
  return op;
}
