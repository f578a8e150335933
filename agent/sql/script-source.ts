/**
 * The SQL text of an object: `script`, or `scriptUri` (file:// or an absolute path, or s3:// through the agent's
 * S3 module). A script from scriptUri is used as it is: the service does not evaluate it (taskrunner.md 3.5).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TaskFailure } from '../executors/executor.js';
import type { AgentResources } from '../executors/executor.js';
import type { ObjectView } from '../objects.js';

/** Scripts are read whole; anything bigger is not a script. */
const MAX_SCRIPT_BYTES = 64 * 1024 * 1024;

async function readS3(uri: string, resources: AgentResources, signal: AbortSignal): Promise<string> {
  const { getS3 } = await import('../s3/access.js');
  const s3 = await getS3(resources);
  const { bucket, key } = s3.parseS3Uri(uri);
  const body = await s3.openRead(bucket, key, signal);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array);
    size += b.length;
    if (size > MAX_SCRIPT_BYTES) {
      body.destroy();
      throw new TaskFailure('InvalidSqlScript', `scriptUri ${uri} is larger than ${MAX_SCRIPT_BYTES} bytes`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function loadScript(obj: ObjectView, resources: AgentResources, signal: AbortSignal): Promise<string> {
  const script = obj.value('script');
  const uri = obj.value('scriptUri')?.trim();
  const hasScript = script !== undefined && script.trim() !== '';
  if (hasScript === Boolean(uri)) {
    throw new TaskFailure('InvalidSqlScript', `Object ${obj.id}: ${hasScript ? 'both script and scriptUri are set' : 'neither script nor scriptUri is set'}; exactly one is required`);
  }
  if (hasScript) return script as string;
  const u = uri as string;
  if (/^s3[na]?:\/\//i.test(u)) {
    try {
      return await readS3(u, resources, signal);
    } catch (err) {
      if (err instanceof TaskFailure) throw new TaskFailure(err.errorId, `Object ${obj.id}: scriptUri ${u}: ${err.message}`);
      throw err;
    }
  }
  let path: string;
  if (u.startsWith('file://')) {
    try {
      path = fileURLToPath(u);
    } catch (err) {
      throw new TaskFailure('InvalidScriptUri', `Object ${obj.id}: scriptUri ${u} is not a valid file URI: ${(err as Error).message}`);
    }
  } else if (isAbsolute(u)) path = u;
  else throw new TaskFailure('UnsupportedScriptUri', `Object ${obj.id}: scriptUri ${u}: only s3://, file:// and absolute paths are supported`);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new TaskFailure('ScriptUriNotReadable', `Object ${obj.id}: cannot read scriptUri ${u}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}
