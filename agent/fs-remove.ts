/**
 * Removal in as few file-system calls as the usual case needs. `fs/promises` `rm` lstat()s before it unlinks, and
 * on a directory tries rmdir, reads it, lstat()s each entry, unlinks and tries rmdir again: seven calls for a
 * scratch directory holding one script, where three do. Anything unusual falls back to `rm`.
 */
import { readdir, rm, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** unlink, a missing file being fine (as `rm(path, { force: true })`). */
export async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    // A directory (EISDIR, or EPERM on some systems) or anything else: the general path decides.
    await rm(path, { force: true, recursive: false });
  }
}

/** `rm -rf dir` for a directory of plain files (a task's scratch directory): readdir, an unlink each, rmdir. */
export async function removeTree(dir: string): Promise<void> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    await Promise.all(entries.map((e) => (e.isDirectory() ? rm(join(dir, e.name), { recursive: true, force: true }) : unlink(join(dir, e.name)))));
    await rmdir(dir);
  } catch {
    // Gone already, a file that went meanwhile, one that came meanwhile: the general path sorts it out.
    await rm(dir, { recursive: true, force: true });
  }
}
