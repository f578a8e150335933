/** Small file helpers: write through a temporary name and rename, so a crash never leaves half a file. */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Atomic but not fsynced: it survives a crash of the agent (the page cache outlives the process), which is what
 * the journal guards against; after a power loss the processes it names are gone anyway. Synchronous, so it is on
 * disk before the caller goes on (e.g. before a child is spawned).
 */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 });
  renameSync(tmp, path);
}

/** Atomic and fsynced, without blocking the event loop: for what must survive a power loss (final statuses). */
export async function writeJsonDurable(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(JSON.stringify(value));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
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
