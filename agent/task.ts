/**
 * One task's life (taskrunner.md 2.3): journal, ack, keep-alive every progress interval (the cancel channel),
 * the local attemptTimeout, the executor, then the final status through the outbox. A canceled task is never
 * reported; everything it started is dead before this returns.
 */
import { mkdir } from 'node:fs/promises';
import type { Logger } from 'winston';
import type { TaskObject } from '@aws-sdk/client-data-pipeline';
import { parsePeriod, periodMs } from '../protocol/period.js';
import type { AgentResources, AttemptPaths, Executor, Outcome } from './executors/executor.js';
import { isTaskFailure } from './executors/executor.js';
import { removeTree } from './fs-remove.js';
import type { Journal } from './journal.js';
import { processStartTicks } from './journal.js';
import { TaskView } from './objects.js';
import type { Outbox } from './outbox.js';
import { shortId } from './outbox.js';
import { AttemptTimeout, Canceled, ShuttingDown } from './process/abort-reasons.js';
import { uploadAttemptLogs } from './logs/upload.js';
import type { ServiceApi, TaskStatusReport } from './service-api.js';

export interface TaskDeps {
  api: ServiceApi;
  journal: Journal;
  outbox: Outbox;
  log: Logger;
  executorFor(type: string | undefined): Executor;
  paths(task: TaskView): AttemptPaths;
  progressIntervalMs: number;
  killGraceMs: number;
  env: NodeJS.ProcessEnv;
  /** Aborted when the drain deadline passed (or a second signal came): running work must stop now. */
  hardStop: AbortSignal;
  resources: AgentResources;
}

export type TaskResult = 'reported' | 'canceled' | 'lost';

/** API limits (api.md 2): errorId and errorStackTrace are at most 1024 characters. */
const MAX_ID = 1024;
const MAX_TRACE = 1024;
const MAX_MESSAGE = 64 * 1024;

export function toReport(taskId: string, o: Outcome): TaskStatusReport {
  if (o.status === 'FINISHED') return { taskId, taskStatus: 'FINISHED' };
  if (o.status === 'FALSE') return { taskId, taskStatus: 'FALSE', ...(o.message ? { errorMessage: o.message.slice(0, MAX_MESSAGE) } : {}) };
  let errorId = o.errorId.slice(0, MAX_ID);
  if (errorId.startsWith('Service_')) errorId = `Agent_${errorId}`.slice(0, MAX_ID); // reserved for the service
  return {
    taskId,
    taskStatus: 'FAILED',
    errorId,
    errorMessage: o.errorMessage.slice(0, MAX_MESSAGE),
    ...(o.errorStackTrace ? { errorStackTrace: o.errorStackTrace.slice(0, MAX_TRACE) } : {}),
  };
}

function errorName(err: unknown): string {
  return (err as { name?: string }).name ?? '';
}

export async function runTask(taskObject: TaskObject, deps: TaskDeps): Promise<TaskResult> {
  const task = new TaskView(taskObject);
  const { api, journal, log } = deps;
  const id = shortId(task.taskId);
  journal.begin({ taskId: task.taskId, attemptId: task.attemptId, pipelineId: task.pipelineId, startedAt: new Date().toISOString() });

  // The ack: without it the service hands the task to someone else after 2 minutes.
  try {
    const ack = await api.reportTaskProgress(task.taskId);
    if (ack.canceled) {
      log.info(`task ${task.attemptId} was canceled before it started`);
      await journal.done(task.taskId);
      return 'canceled';
    }
  } catch (err) {
    if (errorName(err) === 'TaskNotFoundException') {
      log.warn(`task ${task.attemptId} is no longer ours (${(err as Error).message}); not running it`);
      await journal.done(task.taskId);
      return 'lost';
    }
    log.warn(`acknowledging ${task.attemptId} failed (${(err as Error).message}); running it and retrying with the keep-alive`);
  }

  const ac = new AbortController();
  const onHardStop = () => ac.abort(new ShuttingDown('the agent is shutting down and the drain deadline passed'));
  if (deps.hardStop.aborted) onHardStop();
  deps.hardStop.addEventListener('abort', onHardStop, { once: true });

  let keepaliveFailing = false;
  const keepalive = setInterval(() => {
    api.reportTaskProgress(task.taskId).then(
      (r) => {
        if (keepaliveFailing) log.info(`progress reports for ${task.attemptId} reconnected`);
        keepaliveFailing = false;
        if (r.canceled) ac.abort(new Canceled('the service canceled this attempt'));
      },
      (err: unknown) => {
        if (errorName(err) === 'TaskNotFoundException') return ac.abort(new Canceled(`the service no longer knows this task: ${(err as Error).message}`));
        if (!keepaliveFailing) log.warn(`progress report for ${task.attemptId} failed: ${(err as Error).message}`);
        keepaliveFailing = true;
      },
    );
  }, deps.progressIntervalMs);

  let timeout: NodeJS.Timeout | undefined;
  const attemptTimeout = task.attempt.value('attemptTimeout');
  const period = attemptTimeout ? parsePeriod(attemptTimeout, { allowSeconds: true }) : undefined;
  if (period) {
    timeout = setTimeout(() => ac.abort(new AttemptTimeout(`attemptTimeout of ${attemptTimeout} reached`)), periodMs(period));
  }

  const paths = deps.paths(task);
  let outcome: Outcome;
  const type = task.attempt.type;
  try {
    // Asynchronous (the thread pool), like every file operation on a task's path: a synchronous one stalls the
    // other slots' tasks for as long as the disk takes.
    // The scratch directory is made here only (0700: the script may hold secrets), the log directory here only
    // unless a user's stdout/stderr path needs more: every call counts at hundreds of tasks a second.
    await Promise.all([mkdir(paths.logDir, { recursive: true }), mkdir(paths.tmpDir, { recursive: true, mode: 0o700 })]);
    log.info(`running ${type ?? '(no type)'} ${task.attemptId} (task ${id})`);
    outcome = await deps.executorFor(type).execute({
      resources: deps.resources,
      task,
      signal: ac.signal,
      log,
      paths,
      killGraceMs: deps.killGraceMs,
      env: {
        ...deps.env,
        // Our extension: what the attempt is, for scripts that want to log or tag output.
        DATAPIPE_PIPELINE_ID: task.pipelineId,
        DATAPIPE_ATTEMPT_ID: task.attemptId,
        DATAPIPE_SCHEDULED_START_TIME: task.attempt.value('@scheduledStartTime') ?? '',
      },
      onSpawn: (child) => journal.addChild(task.taskId, { ...child, startTicks: child.startTicks ?? processStartTicks(child.pid) }),
    });
  } catch (err) {
    outcome =
      isTaskFailure(err)
        ? { status: 'FAILED', errorId: err.errorId, errorMessage: err.message }
        : { status: 'FAILED', errorId: 'TaskRunnerError', errorMessage: (err as Error).message ?? String(err), errorStackTrace: (err as Error).stack };
  } finally {
    clearInterval(keepalive);
    if (timeout) clearTimeout(timeout);
    deps.hardStop.removeEventListener('abort', onHardStop);
    await removeTree(paths.tmpDir);
  }
  // pipelineLogUri: whatever the outcome; a failed upload is logged and changes nothing.
  await uploadAttemptLogs({ resources: deps.resources, task, paths, log, signal: deps.hardStop });

  // The executor may have finished its work just as an abort arrived: the abort's reason decides.
  const reason: unknown = ac.signal.aborted ? ac.signal.reason : undefined;
  if (reason instanceof Canceled) {
    log.info(`task ${task.attemptId} canceled: ${reason.message}; no status is reported`);
    await journal.done(task.taskId);
    return 'canceled';
  }
  if (reason instanceof AttemptTimeout && outcome.status !== 'FINISHED') {
    outcome = { status: 'FAILED', errorId: 'AttemptTimeout', errorMessage: `${task.attemptId}: ${reason.message}; the process group was killed` };
  } else if (reason instanceof ShuttingDown && outcome.status !== 'FINISHED') {
    outcome = { status: 'FAILED', errorId: 'TaskRunnerShutdown', errorMessage: `${task.attemptId}: ${reason.message}; the process group was killed` };
  }
  const report = toReport(task.taskId, outcome);
  log.info(`task ${task.attemptId}: ${report.taskStatus}${report.errorId ? ` (${report.errorId}: ${firstLine(report.errorMessage)})` : ''}`);
  // On disk in the outbox before the journal entry goes: a crash in between reports twice, never zero times.
  await deps.outbox.enqueue(report);
  await journal.done(task.taskId);
  return 'reported';
}

function firstLine(s: string | undefined): string {
  const line = (s ?? '').split('\n')[0];
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

