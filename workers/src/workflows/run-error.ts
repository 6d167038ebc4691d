import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';
import type { RunError } from '@weft/schemas/run';

/** The error behind an activity or child workflow failure. */
export function toRunError(nodeId: string, err: unknown): RunError {
  let cause: unknown = err;
  while ((cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) && cause.cause) cause = cause.cause;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? 'Error', message: cause.message, nodeId, retryable: !cause.nonRetryable };
  if (cause && typeof cause === 'object' && 'message' in cause) {
    const name = (cause as { name?: string }).name ?? 'Error';
    return { type: name === 'TimeoutFailure' ? 'Timeout' : name, message: String((cause as { message: unknown }).message), nodeId };
  }
  return { type: 'Error', message: String(err), nodeId };
}
