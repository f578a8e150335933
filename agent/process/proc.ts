/**
 * Linux /proc and process-group helpers. Everything degrades to "unknown" where /proc is missing, so the agent
 * still works (less precisely) elsewhere.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

export interface ProcStat {
  pid: number;
  comm: string;
  /** R, S, D, Z, X, ... (field 3) */
  state: string;
  ppid: number;
  pgrp: number;
  /** Field 22: start time in clock ticks since boot. */
  startTicks: number;
}

/** Parses /proc/<pid>/stat text; undefined when it does not have the expected shape. */
export function parseProcStat(text: string): ProcStat | undefined {
  // The command name (field 2) may contain spaces and parentheses: it ends at the LAST ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 1).trim().split(/\s+/);
  // rest[0] is field 3, so field n is rest[n - 3].
  if (rest.length < 20) return undefined;
  const [state, ppid, pgrp, startTicks] = [rest[0], Number(rest[1]), Number(rest[2]), Number(rest[19])];
  if (!Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isInteger(pgrp) || !Number.isSafeInteger(startTicks)) return undefined;
  return { pid, comm: text.slice(open + 1, close), state, ppid, pgrp, startTicks };
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Start time of `pid` (for the crash journal, to tell a reused pid apart); undefined without /proc. */
export function processStartTicks(pid: number): number | undefined {
  return readProcStat(pid)?.startTicks;
}

/** Members of process group `pgid` according to /proc; undefined when /proc cannot be read. */
export async function groupMembers(pgid: number): Promise<ProcStat[] | undefined> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return undefined;
  }
  const stats = await Promise.all(
    names
      .filter((n) => /^\d+$/.test(n))
      .map(async (n) => {
        try {
          return parseProcStat(await readFile(`/proc/${n}/stat`, 'utf8'));
        } catch {
          return undefined; // exited while we looked
        }
      }),
  );
  return stats.filter((s): s is ProcStat => s !== undefined && s.pgrp === pgid);
}

const DEAD_STATES = new Set(['Z', 'X', 'x']);

/**
 * Whether any live process remains in group `pgid`. kill(-pgid, 0) still succeeds for unreaped zombies, which
 * pile up where PID 1 does not reap orphans (many containers); a zombie is dead, so /proc decides then.
 */
export async function groupAlive(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    // EPERM: members exist but belong to someone else (a setuid child): still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const members = await groupMembers(pgid);
  if (members === undefined) return true;
  return members.some((m) => !DEAD_STATES.has(m.state));
}

/** Whether `pid` is gone: no such process, or a zombie nobody reaped. */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const st = readProcStat(pid);
  return st !== undefined && DEAD_STATES.has(st.state);
}

/** Sends `sig` to every process of group `pgid`; false when the group no longer exists. */
export function signalGroup(pgid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false; // ESRCH: gone; EPERM: not ours to kill (nothing more we can do)
  }
}
