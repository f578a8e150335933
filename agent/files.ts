/** Small durable-file helpers: write through a temporary name and rename, so a crash never leaves half a file. */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, fsyncSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeFileSync(fd, JSON.stringify(value));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function readJsonDir<T>(dir: string): { file: string; value: T }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: { file: string; value: T }[] = [];
  for (const n of names.sort()) {
    const file = join(dir, n);
    if (n.includes('.tmp-')) {
      rmSync(file, { force: true }); // a write the crash interrupted
      continue;
    }
    if (!n.endsWith('.json')) continue;
    try {
      out.push({ file, value: JSON.parse(readFileSync(file, 'utf8')) as T });
    } catch {
      rmSync(file, { force: true });
    }
  }
  return out;
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
