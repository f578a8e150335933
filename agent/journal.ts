/**
 * The crash journal: an entry per attempt in progress, written before its child starts and removed once its
 * outcome is safely in the outbox. It holds ids, pids and times only, never field values (they may hold
 * passwords). After a crash or kill -9, recover() kills leftover process groups and turns each unfinished
 * attempt into a FAILED report (errorId TaskRunnerRestarted) so the service retries it: nothing runs twice at once.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SpawnedChild } from './executors/executor.js';
import { ensureDir, readJsonDir, writeJsonAtomic } from './files.js';
import { removeFile } from './fs-remove.js';
import { groupAlive, processGone, processStartTicks, signalGroup } from './process/proc.js';

export { processStartTicks };

export interface JournalEntry {
  taskId: string;
  attemptId: string;
  pipelineId: string;
  startedAt: string;
  children: SpawnedChild[];
}

export function journalKey(taskId: string): string {
  return createHash('sha256').update(taskId).digest('hex').slice(0, 32);
}

export class Journal {
  readonly dir: string;
  /** Entries begun by this process, so addChild need not read its own file back. */
  private readonly open = new Map<string, JournalEntry>();

  constructor(outputDir: string) {
    this.dir = ensureDir(join(outputDir, 'journal', 'attempts'));
  }

  begin(e: Omit<JournalEntry, 'children'>): void {
    const entry: JournalEntry = { ...e, children: [] };
    writeJsonAtomic(this.path(e.taskId), entry);
    this.open.set(e.taskId, entry);
  }

  addChild(taskId: string, child: SpawnedChild): void {
    const path = this.path(taskId);
    let e = this.open.get(taskId);
    if (!e) {
      try {
        e = JSON.parse(readFileSync(path, 'utf8')) as JournalEntry;
      } catch {
        return;
      }
    }
    e.children.push(child);
    writeJsonAtomic(path, e);
  }

  /** Synchronous, for recovery at start-up; a running task uses done(). */
  end(taskId: string): void {
    this.open.delete(taskId);
    rmSync(this.path(taskId), { force: true });
  }

  /**
   * end() without blocking the event loop: an unlink can take milliseconds on a slow disk, and a synchronous one
   * stalls every slot. Called once the outcome is in the outbox, so a crash before the unlink lands only reports
   * the attempt twice, as a crash just before a synchronous unlink would.
   */
  async done(taskId: string): Promise<void> {
    this.open.delete(taskId);
    await removeFile(this.path(taskId));
  }

  pending(): JournalEntry[] {
    return readJsonDir<JournalEntry>(this.dir).map((x) => x.value);
  }

  /**
   * Kill what an earlier run of the agent left behind. A group is killed only when its leader is gone or is
   * still the process we started (same start time), never a stranger who got the pid.
   */
  async killLeftovers(e: JournalEntry): Promise<number[]> {
    const killed: number[] = [];
    for (const c of e.children) {
      if (!(await groupAlive(c.pid))) continue;
      // A live leader with another start time is a stranger who got the pid: leave its group alone.
      const ticks = processGone(c.pid) ? undefined : processStartTicks(c.pid);
      if (ticks !== undefined && c.startTicks !== undefined && ticks !== c.startTicks) continue;
      if (signalGroup(c.pid, 'SIGKILL')) killed.push(c.pid);
    }
    return killed;
  }

  private path(taskId: string): string {
    return join(this.dir, `${journalKey(taskId)}.json`);
  }
}
