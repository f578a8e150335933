/**
 * One server per data directory. PGlite takes no lock of its own: a second process on the same directory starts
 * without complaint, each keeps its own in-memory view, and whatever one of them wrote is silently lost later.
 * A pid file created with O_EXCL guards it; a file left by a server that is gone (kill -9, crash) is taken over.
 * (Pids are per host / pid namespace: this does not guard a directory shared between containers.)
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirInUseError extends Error {
  readonly code = 'DATA_DIR_IN_USE';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Lock `dataDir` for this process; returns the release function. Throws DataDirInUseError if a live server holds it. */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, 'datapipe-server.pid');
  for (let attempt = 1; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let pid = NaN;
    try {
      pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    } catch {
      // removed meanwhile: try again
    }
    // Our own pid in the file is a previous run's (a container restarts its server under the same pid).
    if ((Number.isInteger(pid) && pid !== process.pid && alive(pid)) || attempt >= 3) {
      throw new DataDirInUseError(
        `data dir ${dataDir} is in use by another datapipe-server${Number.isInteger(pid) ? ` (pid ${pid})` : ''}; ` +
          `stop it or pick another --data-dir (if no server is running, delete ${path})`,
      );
    }
    try {
      unlinkSync(path); // stale: its server is gone
    } catch {
      // someone else removed it first
    }
  }
}
