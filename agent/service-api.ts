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
  instanceIdentity?: () => InstanceIdentity | undefined;
}

function withTimeout(ms: number, outer?: AbortSignal): AbortSignal {
  const t = AbortSignal.timeout(ms);
  return outer ? AbortSignal.any([t, outer]) : t;
}

export function sdkServiceApi(client: DataPipelineClient, o: SdkApiOptions): ServiceApi {
  const callMs = o.callTimeoutMs ?? 30_000;
  return {
    async pollForTask(signal) {
      const out = await client.send(
        new PollForTaskCommand({ workerGroup: o.workerGroup, hostname: o.hostname, instanceIdentity: o.instanceIdentity?.() }),
        { abortSignal: withTimeout(o.pollTimeoutMs, signal) },
      );
      return out.taskObject?.taskId ? out.taskObject : undefined;
    },
    async reportTaskProgress(taskId, fields, signal) {
      const out = await client.send(new ReportTaskProgressCommand({ taskId, fields }), { abortSignal: withTimeout(callMs, signal) });
      return { canceled: out.canceled === true };
    },
    async setTaskStatus(r, signal) {
      await client.send(new SetTaskStatusCommand(r), { abortSignal: withTimeout(callMs, signal) });
    },
    async reportTaskRunnerHeartbeat(signal) {
      const out = await client.send(
        new ReportTaskRunnerHeartbeatCommand({ taskrunnerId: o.taskrunnerId, workerGroup: o.workerGroup, hostname: o.hostname }),
        { abortSignal: withTimeout(callMs, signal) },
      );
      return { terminate: out.terminate === true };
    },
  };
}
