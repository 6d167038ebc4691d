import type { ApiIssue } from '@weft/schemas';

/**
 * Why the run service refused or could not do what it was asked. Each kind is its own class; the
 * routes turn them into HTTP answers (`answerRunErrors`), the service knows nothing of HTTP.
 */
export abstract class RunServiceError extends Error {
  constructor(
    message: string,
    /** Where in the request the problem lies, as `$.…` paths. */
    readonly issues: readonly ApiIssue[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** No run has this id. */
export class RunNotFound extends RunServiceError {}

/** The workflow version a run (or a re-run of it) needs does not exist. */
export class VersionNotFound extends RunServiceError {}

/** The run has ended, so it can no longer be steered. */
export class RunFinished extends RunServiceError {}

/** The run has not ended yet, and what was asked needs it ended. */
export class RunActive extends RunServiceError {}

/** Nothing (or not the named node or call) waits for an approval. */
export class NotWaiting extends RunServiceError {}

/** The run waits on a tool call and the decision did not name it. */
export class CallRequired extends RunServiceError {}

/** The run waits on several approvals and the decision did not say which. */
export class NodeRequired extends RunServiceError {}

/** Edited tool-call arguments do not fit the tool's argument schema. */
export class InvalidArguments extends RunServiceError {}

/** The request contradicts itself or names what the run does not have. */
export class InvalidRunRequest extends RunServiceError {}

/** Temporal did not answer or refused; for a start, nothing was started. */
export class TemporalUnavailable extends RunServiceError {}
