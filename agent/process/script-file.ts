/**
 * Puts the attempt's command into `<tmpDir>/<attemptIdAlnumOnly>_command.sh` (taskrunner.md 1.6) and says how to
 * run it: `<shell> <script> <scriptArgument...>`, so the arguments arrive as $1..$n and are never spliced into
 * the text (taskrunner.md 5.6).
 */
import { access, chmod, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { constants, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TaskFailure } from '../executors/executor.js';
import type { AgentResources } from '../executors/executor.js';
// Static on purpose: access.js loads the SDK itself only when used, and a dynamic import of our own module
// gives a second module instance under mocha+tsx (so `instanceof TaskFailure` would fail there).
import { getS3 } from '../s3/access.js';
import { parseS3Uri, S3UriError } from '../s3/uri.js';

/** Bash first: the custom-AMI requirements list it and users' commands use bash-isms (taskrunner.md 2.6). */
export const DEFAULT_SHELLS: readonly string[] = ['/bin/bash', '/bin/sh'];

export function scriptFileName(attemptId: string): string {
  return `${attemptId.replace(/[^A-Za-z0-9]/g, '')}_command.sh`;
}

/**
 * The default list's answer, kept: a file-system call per task saved. A shell removed later still fails the
 * attempt clearly (spawn's ENOENT becomes ShellNotFound).
 */
let defaultShell: string | undefined;

/** The first executable shell of `candidates`; TaskFailure ShellNotFound when there is none. */
export async function chooseShell(candidates: readonly string[] = DEFAULT_SHELLS): Promise<string> {
  if (candidates === DEFAULT_SHELLS && defaultShell) return defaultShell;
  for (const shell of candidates) {
    try {
      await access(shell, constants.X_OK);
      if (candidates === DEFAULT_SHELLS) defaultShell = shell;
      return shell;
    } catch {
      // try the next one
    }
  }
  throw new TaskFailure('ShellNotFound', `No shell to run the command: none of ${candidates.join(', ')} is executable on this host`);
}

/** What an s3:// scriptUri needs: the agent's resources (credentials, endpoint) and the attempt's signal. */
export interface FetchContext {
  resources: AgentResources;
  signal?: AbortSignal;
}

/**
 * Copies the script at `uri` to `dest`. The one place that knows URI schemes: s3:// (with `s3`), file:// URIs
 * and plain absolute paths.
 */
export async function fetchScript(uri: string, dest: string, s3?: FetchContext): Promise<void> {
  let path: string;
  if (/^s3[na]?:\/\//i.test(uri)) {
    if (!s3) throw new TaskFailure('UnsupportedScriptUri', `scriptUri ${uri}: S3 is not available here`);
    return fetchFromS3(uri, dest, s3);
  } else if (uri.startsWith('file://')) {
    try {
      path = fileURLToPath(uri);
    } catch (err) {
      throw new TaskFailure('InvalidScriptUri', `scriptUri ${uri} is not a valid file URI: ${(err as Error).message}`);
    }
  } else if (isAbsolute(uri)) {
    path = uri;
  } else {
    throw new TaskFailure('UnsupportedScriptUri', `scriptUri ${uri}: only file:// URIs and absolute paths are supported`);
  }
  try {
    await copyFile(path, dest);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new TaskFailure('ScriptUriNotReadable', `Cannot read scriptUri ${uri}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}

export interface ScriptSource {
  command?: string;
  scriptUri?: string;
  scriptArguments: readonly string[];
}

export interface PreparedScript {
  shell: string;
  scriptPath: string;
  /** `[scriptPath, ...scriptArguments]`: the shell's arguments. */
  args: string[];
}

export interface PrepareOptions {
  attemptId: string;
  tmpDir: string;
  shells?: readonly string[];
  fetch?: (uri: string, dest: string) => Promise<void>;
}

/** Writes (or fetches) the script, mode 0700, and picks the shell. Throws TaskFailure for unusable input. */
export async function prepareScript(src: ScriptSource, o: PrepareOptions): Promise<PreparedScript> {
  const hasCommand = src.command !== undefined && src.command.trim() !== '';
  const hasUri = src.scriptUri !== undefined && src.scriptUri.trim() !== '';
  if (hasCommand === hasUri) {
    throw new TaskFailure(
      'InvalidShellCommand',
      hasCommand ? 'Both command and scriptUri are set; exactly one is allowed' : 'Neither command nor scriptUri is set; exactly one is required',
    );
  }
  const shell = await chooseShell(o.shells);
  const scriptPath = join(o.tmpDir, scriptFileName(o.attemptId));
  if (hasCommand && (await createScript(scriptPath, src.command as string))) {
    return { shell, scriptPath, args: [scriptPath, ...src.scriptArguments] };
  }
  await mkdir(o.tmpDir, { recursive: true, mode: 0o700 });
  if (hasCommand) await writeFile(scriptPath, src.command as string, { mode: 0o700 });
  else await (o.fetch ?? fetchScript)((src.scriptUri as string).trim(), scriptPath);
  // writeFile's mode is cut by the umask and copyFile keeps the source's: set it explicitly.
  await chmod(scriptPath, 0o700);
  return { shell, scriptPath, args: [scriptPath, ...src.scriptArguments] };
}

/**
 * The common case in one call (runTask made tmpDir already): a new file, mode 0700 at creation, so neither a
 * mkdir nor a chmod is needed. False (nothing written) when that does not hold: no tmpDir yet, a file already
 * there, or a umask that would take owner bits away; the caller then takes the long way.
 */
async function createScript(path: string, text: string): Promise<boolean> {
  if (!umaskKeepsOwnerBits()) return false;
  try {
    await writeFile(path, text, { mode: 0o700, flag: 'wx' });
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EEXIST') return false;
    throw err;
  }
}

let umaskOwnerOk: boolean | undefined;

/** Whether the process umask leaves 0700 intact, from /proc (read once); unknown counts as no. */
function umaskKeepsOwnerBits(): boolean {
  if (umaskOwnerOk === undefined) {
    try {
      const m = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
      umaskOwnerOk = m !== null && (parseInt(m[1], 8) & 0o700) === 0;
    } catch {
      umaskOwnerOk = false;
    }
  }
  return umaskOwnerOk;
}

async function fetchFromS3(uri: string, dest: string, s3: FetchContext): Promise<void> {
  try {
    const { bucket, key } = parseS3Uri(uri);
    await (await getS3(s3.resources)).download(bucket, key, dest, s3.signal);
  } catch (err) {
    if (err instanceof S3UriError) throw new TaskFailure(err.code, `scriptUri: ${err.message}`);
    if (err instanceof TaskFailure) throw new TaskFailure(err.errorId, `scriptUri ${uri}: ${err.message}`);
    throw err;
  }
}
