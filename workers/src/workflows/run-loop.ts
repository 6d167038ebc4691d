import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { temporalAttempts, type PlanNode, type RunRequest } from '@weft/schemas/plan';
import type { NodeActivities } from '../activities.js';
import { recording } from './recording.js';

/** What a loop's child run needs; `start` moves on with each continue-as-new. */
export interface LoopInput {
  readonly runId: string;
  readonly workflowId: string;
  readonly loopNodeId: string;
  /** The node run for each item; its id is the loop node's. */
  readonly body: PlanNode;
  readonly itemsRef: string;
  readonly count: number;
  readonly concurrency: number;
  readonly start: number;
  readonly upstream: Readonly<Record<string, { readonly output: unknown }>>;
  readonly runInput: unknown;
  /** The webhook request of the run, as `$run.request`. */
  readonly runRequest?: RunRequest;
}

/** Items fetched from the database at a time. */
const WINDOW = 100;
/** Items one run of this workflow handles before it continues as new (well inside history limits). */
const ITEMS_PER_RUN = 500;


/**
 * Runs a loop's body once per item, `concurrency` at a time, each item one activity with the
 * body's retry policy. Results are recorded per item by the activities, so nothing grows in
 * this workflow's state; it continues as new every few hundred items (or when Temporal suggests
 * it), so a loop of any length stays within history limits.
 */
export async function runLoop(loop: LoopInput): Promise<void> {
  const body = proxyActivities<Pick<NodeActivities, 'runNode'>>({
    startToCloseTimeout: loop.body.startToCloseTimeout,
    heartbeatTimeout: loop.body.heartbeatTimeout,
    retry: { ...loop.body.retry, maximumAttempts: temporalAttempts(loop.body.retry.maximumAttempts), nonRetryableErrorTypes: [...loop.body.retry.nonRetryableErrorTypes] },
  });
  const node: PlanNode = { ...loop.body, id: loop.loopNodeId };
  const end = Math.min(loop.count, loop.start + ITEMS_PER_RUN);
  let next = loop.start;
  while (next < end && !workflowInfo().continueAsNewSuggested) {
    const base = next;
    const items = await recording.loopItems({ ref: loop.itemsRef, start: base, count: Math.min(WINDOW, end - base) });
    let i = 0;
    const worker = async () => {
      while (i < items.length) {
        const k = i++;
        try {
          await body.runNode({
            runId: loop.runId,
            workflowId: loop.workflowId,
            node,
            input: null, // the item travels once, as `item`
            upstream: loop.upstream,
            runInput: loop.runInput,
            ...(loop.runRequest ? { runRequest: loop.runRequest } : {}),
            conditions: [],
            item: { index: base + k, value: items[k] },
          });
        } catch (err) {
          // `continue` keeps going (the item's result is its error); anything else fails the loop.
          if (node.onError !== 'continue') throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(loop.concurrency, items.length) }, worker));
    next = base + items.length;
  }
  if (next < loop.count) await continueAsNew<typeof runLoop>({ ...loop, start: next });
}
