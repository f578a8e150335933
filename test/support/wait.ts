/** Waiting on a condition in end-to-end tests (polling with a deadline, never a fixed sleep), and pipeline states. */
import { DescribeObjectsCommand, QueryObjectsCommand } from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';

export interface UntilOptions {
  /** Deadline. */
  ms?: number;
  /** What is awaited, for the failure message. */
  what?: string;
  /** Pause between checks; 0 yields to the event loop only. */
  pauseMs?: number;
}

export async function until<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, o: UntilOptions = {}): Promise<T> {
  const ms = o.ms ?? 20_000;
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) {
      throw new Error(`${o.what ? `timed out waiting for ${o.what}` : `condition not met in ${ms} ms`}; last value ${JSON.stringify(v)}`);
    }
    await new Promise((r) => (o.pauseMs ? setTimeout(r, o.pauseMs) : setImmediate(r)));
  }
}

/** Per component: its instance's status, and `<component>.error` = `errorId: errorMessage` of a failed attempt. */
export async function componentStates(c: DataPipelineClient, pipelineId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const sphere of ['INSTANCE', 'ATTEMPT'] as const) {
    const q = await c.send(new QueryObjectsCommand({ pipelineId, sphere }));
    if ((q.ids ?? []).length === 0) continue;
    const d = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: q.ids ?? [] }));
    for (const o of d.pipelineObjects ?? []) {
      const f = (k: string) => o.fields?.find((x) => x.key === k);
      const comp = f('@componentParent')?.refValue as string;
      if (sphere === 'INSTANCE') out[comp] = f('@status')?.stringValue as string;
      else if (f('errorId')) out[`${comp}.error`] = `${f('errorId')?.stringValue}: ${f('errorMessage')?.stringValue}`;
    }
  }
  return out;
}
