import type { NodeStatus, RunStatus } from '@weft/schemas';
import { FINAL_RUN_STATUSES } from '@weft/schemas/run';
import type { NodeDisplayStatus } from '../store/node-statuses';

/** Colour family of a status; the CSS maps each to a colour in light and dark themes. */
export type StatusTone = 'neutral' | 'active' | 'success' | 'danger' | 'warning' | 'muted';

/** How a status is shown: a symbol and a word, so it never relies on colour alone. */
export interface StatusLook {
  readonly icon: string;
  readonly label: string;
  readonly tone: StatusTone;
  /** Whether the icon should turn (work in progress). */
  readonly spin?: boolean;
}

// Looks a run and a node share; each table names them in its own words where the words differ.
const RUNNING: StatusLook = { icon: '◌', label: 'Running', tone: 'active', spin: true };
const WAITING: StatusLook = { icon: '⏸', label: 'Waiting', tone: 'warning' };
const FAILED: StatusLook = { icon: '✕', label: 'Failed', tone: 'danger' };
const DONE: StatusLook = { icon: '✓', label: 'Completed', tone: 'success' };
const UNDONE: StatusLook = { icon: '↺', label: 'Rolled back', tone: 'warning' };

const RUN: Record<RunStatus, StatusLook> = {
  queued: { icon: '◷', label: 'Queued', tone: 'neutral' },
  running: RUNNING,
  waiting: WAITING,
  completed: DONE,
  failed: FAILED,
  cancelled: { icon: '⊘', label: 'Cancelled', tone: 'muted' },
  rolled_back: UNDONE,
  compensation_failed: { icon: '⚠', label: 'Rollback failed', tone: 'danger' },
};

const NODE: Record<NodeDisplayStatus, StatusLook> = {
  none: { icon: '·', label: 'Not run', tone: 'muted' },
  pending: { icon: '○', label: 'Pending', tone: 'neutral' },
  running: RUNNING,
  retrying: { icon: '↻', label: 'Retrying', tone: 'warning', spin: true },
  succeeded: { ...DONE, label: 'Succeeded' },
  failed: FAILED,
  skipped: { icon: '⤼', label: 'Skipped', tone: 'muted' },
  waiting: WAITING,
  compensated: { ...UNDONE, label: 'Undone' },
};

const UNKNOWN: StatusLook = { icon: '?', label: 'Unknown', tone: 'neutral' };

/** How a run status is shown; a status this editor does not know yet shows as its raw name. */
export function runStatusLook(status: RunStatus): StatusLook {
  return RUN[status] ?? { ...UNKNOWN, label: String(status) };
}

/** How a node status is shown. */
export function nodeStatusLook(status: NodeDisplayStatus | NodeStatus): StatusLook {
  return NODE[status] ?? { ...UNKNOWN, label: String(status) };
}

/**
 * A node status as words, with the attempt count where it matters: a retrying node names the
 * attempt it is about to make, a finished node how many it took when more than one.
 */
export function nodeStatusText(status: NodeDisplayStatus | NodeStatus, attempts: number): string {
  const { label } = nodeStatusLook(status);
  if (status === 'retrying') return `${label} (attempt ${attempts + 1})`;
  return attempts > 1 && (status === 'succeeded' || status === 'failed' || status === 'compensated') ? `${label} after ${attempts} attempts` : label;
}

/**
 * Attempts of a node that never ended (their worker stopped answering) and were retried, in plain
 * words; null when there were none.
 */
export function lostAttemptsText(lost: readonly number[] | undefined): string | null {
  if (!lost || lost.length === 0) return null;
  const names = lost.length === 1 ? `Attempt ${lost[0]} was` : `Attempts ${lost.slice(0, -1).join(', ')} and ${lost[lost.length - 1]} were`;
  return `${names} lost (the worker stopped answering) and retried`;
}

/** Whether a run can still change (and so is worth polling). */
export function isFinalRunStatus(status: RunStatus): boolean {
  return FINAL_RUN_STATUSES.includes(status);
}
