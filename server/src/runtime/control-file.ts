import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from '../os/processes.js';

/** The file through which the `weft` command finds a running embedded instance. */
export interface ControlFile {
  readonly pid: number;
  readonly url: string;
  readonly key: string;
  /** The process's start time (see `ProcessInfo.startTime`), so a later process given the same pid is not taken for it. */
  readonly startTime?: number;
}

/** Path of the control file in a data dir. */
export function controlFilePath(dataDir: string): string {
  return join(dataDir, 'control.json');
}

/** The running embedded instance of this data dir, if there is one. */
export function runningInstance(dataDir: string): ControlFile | undefined {
  const path = controlFilePath(dataDir);
  if (!existsSync(path)) return undefined;
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as ControlFile;
    // A zombie (killed, not yet reaped) or another process given the same pid is not Weft.
    return isRunning(c.pid, c.startTime) ? c : undefined;
  } catch {
    return undefined; // an unreadable file
  }
}
