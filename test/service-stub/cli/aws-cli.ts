/** Drives the official AWS CLI v2 (Debian's awscli at /usr/bin/aws) against a test server, and the CLI's file format. */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { promisify } from 'node:util';
import { TEST_KEY } from '../../support/server.js';

const execFileP = promisify(execFile);

/** Not the `aws` on PATH: that is a pyenv CLI v1; the v2 from Debian is what users of this project run. */
export const AWS_CLI = '/usr/bin/aws';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Fails loudly (never skips) when the CLI is missing: CI installs it, so its absence is a broken environment. */
export async function requireAwsCliV2(): Promise<void> {
  try {
    await access(AWS_CLI, constants.X_OK);
  } catch {
    throw new Error(`${AWS_CLI} not found: these tests need Debian's AWS CLI v2 (apt-get install -y awscli)`);
  }
  const { stdout, stderr } = await execFileP(AWS_CLI, ['--version'], { env: cliEnv() });
  if (!/^aws-cli\/2\./.test((stdout + stderr).trim())) {
    throw new Error(`${AWS_CLI} is not AWS CLI v2: ${(stdout + stderr).trim()}`);
  }
}

/** Credentials of the test server only; no user config or pager can change what the CLI does. */
export function cliEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: TEST_KEY.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_KEY.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

export interface CliOptions {
  /** 'json' (the default) adds `--output json`; 'default' leaves the command's own default (list-runs: a table). */
  output?: 'json' | 'default';
}

/** `aws datapipeline <args>` against `endpoint`; resolves with the exit code instead of rejecting on failure. */
export async function runDatapipeline(endpoint: string, args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const argv = ['datapipeline', ...args, '--endpoint-url', endpoint, ...(opts.output === 'default' ? [] : ['--output', 'json'])];
  try {
    // A bound on each call, so a hung server fails the test instead of stalling it.
    const { stdout, stderr } = await execFileP(AWS_CLI, argv, { env: cliEnv(), timeout: 60_000, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; signal?: string };
    if (typeof e.code !== 'number') throw err; // spawn failure or timeout kill: not a CLI answer
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Runs a command that must succeed and parses its JSON stdout (an empty stdout is `{}`). */
export async function datapipelineJson<T>(endpoint: string, args: string[]): Promise<T> {
  const r = await runDatapipeline(endpoint, args);
  if (r.code !== 0) throw new Error(`aws datapipeline ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return (r.stdout.trim() === '' ? {} : JSON.parse(r.stdout)) as T;
}

/** The CLI definition-file shape. */
export interface DefinitionFile {
  objects: Record<string, unknown>[];
  parameters?: Record<string, unknown>[];
  values?: Record<string, string | string[]>;
}
