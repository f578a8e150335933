/**
 * Where an S3 key lands under a local directory. A key is attacker-controlled text: `..` segments, an absolute
 * path, a NUL or a backslash-dotdot must never put a file outside `root` (taskrunner.md 5).
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { TaskFailure } from '../executors/executor.js';

export class UnsafeS3Key extends TaskFailure {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super('UnsafeS3Key', `S3 key ${JSON.stringify(key)} cannot be written locally: ${reason}`);
    this.name = 'UnsafeS3Key';
  }
}

/** `root` + `relKey` (a key relative to the listed prefix), or UnsafeS3Key when it would leave `root`. */
export function safeLocalPath(root: string, relKey: string, fullKey: string = relKey): string {
  if (relKey.includes('\0')) throw new UnsafeS3Key(fullKey, 'it contains a NUL character');
  if (relKey === '' || relKey.endsWith('/')) throw new UnsafeS3Key(fullKey, 'it names a directory, not a file');
  if (relKey.startsWith('/') || isAbsolute(relKey)) throw new UnsafeS3Key(fullKey, 'it is an absolute path');
  const segments = relKey.split(/[/\\]/);
  if (segments.some((s) => s === '..')) throw new UnsafeS3Key(fullKey, 'it contains a ".." segment');
  const base = resolve(root);
  const target = resolve(join(base, ...segments.filter((s) => s !== '' && s !== '.')));
  const rel = relative(base, target);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) throw new UnsafeS3Key(fullKey, 'it resolves outside the directory');
  return target;
}
