/**
 * The four calls a runner makes, over the SDK client, each with its own time limit and an optional outer
 * AbortSignal. A narrow interface so the poll loop and task lifecycle are testable against any server.
 */
import {
  PollForTaskCommand,
  ReportTaskProgressCommand,
  ReportTaskRunnerHeartbeatCommand,
  SetTaskStatusCommand,
} from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient, InstanceIdentity, TaskObject } from '@aws-sdk/client-data-pipeline';
import type { Field } from '../protocol/shapes.js';

export interface TaskStatusReport {
  taskId: string;
  taskStatus: 'FINISHED' | 'FAILED' | 'FALSE';
  errorId?: string;
  errorMessage?: string;
  errorStackTrace?: string;
}

export interface ServiceApi {
  pollForTask(signal: AbortSignal): Promise<TaskObject | undefined>;
  reportTaskProgress(taskId: string, fields?: Field[], signal?: AbortSignal): Promise<{ canceled: boolean }>;
  setTaskStatus(report: TaskStatusReport, signal?: AbortSignal): Promise<void>;
  reportTaskRunnerHeartbeat(signal?: AbortSignal): Promise<{ terminate: boolean }>;
}

export interface SdkApiOptions {
  workerGroup: string;
  hostname: string;
  taskrunnerId: string;
  /** How long one PollForTask may take (the service holds it up to 90 s). */
  pollTimeoutMs: number;
  /** Limit for the other calls. */
  callTimeoutMs?: number;
  /** On EC2, the identity document and signature (instance-identity.ts); may wait for the first IMDS read. */
  instanceIdentity?: () => InstanceIdentity | undefined | Promise<InstanceIdentity | undefined>;
}

/**
 * A signal that aborts after `ms` or with `outer`, and a dispose that clears the timer and the listener at once:
 * AbortSignal.timeout() would keep a timer (and the signal) alive for the whole limit after every call.
 */
function deadline(ms: number, outer?: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const onOuter = () => ac.abort(outer?.reason);
  const t = setTimeout(() => ac.abort(new DOMException(`the call took longer than ${ms} ms`, 'TimeoutError')), ms);
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  return {
    signal: ac.signal,
    dispose() {
      clearTimeout(t);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

async function withDeadline<T>(ms: number, outer: AbortSignal | undefined, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const d = deadline(ms, outer);
  try {
    return await call(d.signal);
  } finally {
    d.dispose();
  }
}

export function sdkServiceApi(client: DataPipelineClient, o: SdkApiOptions): ServiceApi {
  const callMs = o.callTimeoutMs ?? 30_000;
  return {
    async pollForTask(signal) {
      const instanceIdentity = await o.instanceIdentity?.();
      const out = await withDeadline(o.pollTimeoutMs, signal, (abortSignal) =>
        client.send(new PollForTaskCommand({ workerGroup: o.workerGroup, hostname: o.hostname, instanceIdentity }), { abortSignal }),
      );
      return out.taskObject?.taskId ? out.taskObject : undefined;
    },
    async reportTaskProgress(taskId, fields, signal) {
      const out = await withDeadline(callMs, signal, (abortSignal) => client.send(new ReportTaskProgressCommand({ taskId, fields }), { abortSignal }));
      return { canceled: out.canceled === true };
    },
    async setTaskStatus(r, signal) {
      await withDeadline(callMs, signal, (abortSignal) => client.send(new SetTaskStatusCommand(r), { abortSignal }));
    },
    async reportTaskRunnerHeartbeat(signal) {
      const out = await withDeadline(callMs, signal, (abortSignal) =>
        client.send(new ReportTaskRunnerHeartbeatCommand({ taskrunnerId: o.taskrunnerId, workerGroup: o.workerGroup, hostname: o.hostname }), {
          abortSignal,
        }),
      );
      return { terminate: out.terminate === true };
    },
  };
}
