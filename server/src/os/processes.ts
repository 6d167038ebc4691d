import { readdirSync, readFileSync } from 'node:fs';
import { errorCode } from '@weft/schemas';

/** What Linux's process table (`/proc/<pid>/stat` and `cmdline`) says about one process. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** One letter: `R` running, `S` sleeping, `Z` zombie (exited, not yet reaped), … */
  readonly state: string;
  /** Clock ticks after boot at which the process started: with the pid, it names one process for good. */
  readonly startTime: number;
  /** Its command line, one entry per argument. */
  readonly argv: readonly string[];
}

/** Whether this system has a `/proc` process table (Linux). */
export function hasProcessTable(): boolean {
  return readProcess(process.pid) !== undefined;
}

/** The process table's entry for `pid`, or undefined when there is none (gone, or not Linux). */
export function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) sits in parentheses and may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let argv: string[] = [];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
    } catch {
      // a zombie's command line cannot be read; the state says enough
    }
    // fields[0] is field 3 of proc(5) (state), fields[1] field 4 (ppid), fields[19] field 22 (starttime).
    return { pid, state: fields[0] ?? '?', ppid: Number(fields[1]), startTime: Number(fields[19]), argv };
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is a live process — and, given `startTime`, the same process that had it then.
 * A zombie counts as dead: it has exited and only waits for its parent to collect its status.
 * Without a process table, falls back to `kill(pid, 0)`.
 */
export function isRunning(pid: number, startTime?: number): boolean {
  const info = readProcess(pid);
  if (info) return info.state !== 'Z' && info.state !== 'X' && (startTime === undefined || info.startTime === startTime);
  if (hasProcessTable()) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errorCode(e) === 'EPERM';
  }
}

/** This process's start time (see {@link ProcessInfo.startTime}), or undefined without a process table. */
export function ownStartTime(): number | undefined {
  return readProcess(process.pid)?.startTime;
}

/** Live processes whose command line satisfies `test` (none without a process table). */
export function findProcesses(test: (argv: readonly string[]) => boolean): ProcessInfo[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: ProcessInfo[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const info = readProcess(Number(entry));
    if (info && info.state !== 'Z' && test(info.argv)) found.push(info);
  }
  return found;
}
