/**
 * The one interface every executor implements: given the task's objects, an AbortSignal and the attempt's
 * paths, do the work and say how it ended. An executor never calls the service; task.ts reports the outcome.
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Logger } from 'winston';
import type { TaskView } from '../objects.js';

export type Outcome =
  | { status: 'FINISHED' }
  /** A precondition that ran and said "not met". */
  | { status: 'FALSE'; message?: string }
  | { status: 'FAILED'; errorId: string; errorMessage: string; errorStackTrace?: string };

/** Where an attempt's files go (taskrunner.md 1.6). */
export interface AttemptPaths {
  /** `output/logs/<pipelineId>/<componentId>/<instanceId>/<attemptId>/` */
  logDir: string;
  stdout: string; // <logDir>/StdOutput
  stderr: string; // <logDir>/StdError
  /** `output/tmp/<pipelineId>-<uuid>/`: scripts and scratch; removed after the attempt. */
  tmpDir: string;
  /** `output/staging/`: parent of the staging directories. */
  stagingRoot: string;
  /** The --output directory. */
  outputDir: string;
}

/** A child process started for the attempt, for the crash journal (kill its group after an agent crash). */
export interface SpawnedChild {
  pid: number;
  /** Process start time from /proc/<pid>/stat (clock ticks since boot), to tell a reused pid apart. */
  startTicks?: number;
}

/**
 * What the agent lends executors for talking to data stores: the same credentials, region and proxy settings the
 * Data Pipeline client uses (as the jar does). Heavy clients (S3, SQL drivers, RDS) are created on first use by
 * the modules that need them, never at start-up: the idle agent stays small.
 */
export interface AgentResources {
  /** The agent's AWS credentials (options, credentials.json or the default chain). */
  readonly credentials: AwsCredentialIdentity | (() => Promise<AwsCredentialIdentity>);
  /** --region */
  readonly region: string;
  /** Proxy for S3 (undefined with --s3NoProxy or when none is configured). */
  readonly s3Proxy?: { url: string; display: string };
  /** The process environment the agent started with (AWS_ENDPOINT_URL_S3, AWS_S3_FORCE_PATH_STYLE, ...). */
  readonly env: NodeJS.ProcessEnv;
  /** Lazily created, shared clients, keyed by the module that made them (e.g. 's3'). Closed at agent stop. */
  shared<T>(key: string, make: () => Promise<T> | T, close?: (v: T) => void | Promise<void>): Promise<T>;
}

export interface ExecutionContext {
  readonly resources: AgentResources;
  readonly task: TaskView;
  /** Aborted on cancel (canceled: true), local attemptTimeout, or shutdown after the drain deadline. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly paths: AttemptPaths;
  /** Grace between SIGTERM and SIGKILL to a process group. */
  readonly killGraceMs: number;
  /** Called right after a child is spawned, before anything else, so the journal knows its process group. */
  onSpawn(child: SpawnedChild): void;
  /** Environment for children: the agent's own plus the attempt's variables. */
  readonly env: NodeJS.ProcessEnv;
}

export interface Executor {
  /** The object types this executor runs, e.g. ['ShellCommandActivity']. */
  readonly types: readonly string[];
  execute(ctx: ExecutionContext): Promise<Outcome>;
}

/** An error an executor throws to fail the attempt with a stable errorId. */
export class TaskFailure extends Error {
  constructor(
    readonly errorId: string,
    message: string,
  ) {
    super(message);
    this.name = 'TaskFailure';
  }
}

/**
 * A TaskFailure, also when it comes from a second copy of this module (a dynamic import under a loader such as
 * tsx can load one): recognised by its errorId.
 */
export function isTaskFailure(err: unknown): err is TaskFailure {
  return err instanceof TaskFailure || (err instanceof Error && typeof (err as { errorId?: unknown }).errorId === 'string');
}
