import type { AttemptStatus, RunError, RunStatus } from '@weft/schemas';

/** The start of one node attempt. */
export interface AttemptStart {
  readonly runId: string;
  readonly nodeId: string;
  readonly nodeType: string;
  readonly attempt: number;
  readonly input: unknown;
}

/** The end of one node attempt. */
export interface AttemptEnd {
  readonly runId: string;
  readonly nodeId: string;
  readonly attempt: number;
  readonly status: Exclude<AttemptStatus, 'running'>;
  readonly output?: unknown;
  readonly error?: RunError;
}

/** A change of a run's status, with its output or error when it ends. */
export interface RunStatusChange {
  readonly runId: string;
  readonly status: RunStatus;
  readonly output?: unknown;
  readonly error?: RunError;
}

/**
 * Where activities record what happened. The server implements it over Postgres; the worker
 * only knows this interface, so the two packages do not depend on each other's internals.
 * Every method must be idempotent: Temporal may deliver an activity more than once.
 */
export interface RunStore {
  startAttempt(start: AttemptStart): Promise<void>;
  finishAttempt(end: AttemptEnd): Promise<void>;
  setRunStatus(change: RunStatusChange): Promise<void>;
}
