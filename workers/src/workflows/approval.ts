import { condition } from '@temporalio/workflow';
import { durationToMs } from '@weft/schemas/plan';
import type { RunNodeResult } from '../activities.js';
import type { ApprovalDecision, PendingApproval } from './definitions.js';
import type { HereContext } from './node-context.js';
import { recording } from './recording.js';

/**
 * The approvals a run waits on and the decisions it received. While at least one approval waits,
 * the run's status is `waiting`.
 */
export class Approvals {
  readonly #decisions = new Map<string, ApprovalDecision>();
  readonly #pending = new Map<string, PendingApproval>();
  #waiting = 0;

  constructor(
    private readonly runId: string,
    /** Whether a node id names an approval node of this run. */
    private readonly isApproval: (nodeId: string) => boolean,
  ) {}

  /** What the `state` query shows. */
  pending(): PendingApproval[] {
    return [...this.#pending.values()];
  }

  /** Takes a decision from the `approve` signal: the first one counts; one for a node that is not an approval is ignored. */
  decide(d: ApprovalDecision): void {
    const id = d.nodeId ?? (this.#pending.size === 1 ? [...this.#pending.keys()][0] : undefined);
    if (id !== undefined && this.isApproval(id) && !this.#decisions.has(id)) this.#decisions.set(id, d);
  }

  /** Waits for a decision on an approval node (or its timeout) and ends the node on `approved` or `rejected`. */
  async run(ctx: HereContext): Promise<RunNodeResult> {
    const { node, request } = ctx;
    const begun = await recording.beginNode({ ...request, waiting: true });
    const timeoutMs = durationToMs(String(begun.params['timeout'])) ?? 86_400_000;
    ctx.setStatus('waiting');
    this.#pending.set(node.id, {
      nodeId: node.id,
      title: String(begun.params['title'] ?? 'Approval needed'),
      ...(typeof begun.params['description'] === 'string' ? { description: begun.params['description'] } : {}),
      deadline: new Date(Date.now() + timeoutMs).toISOString(),
    });
    if (this.#waiting++ === 0) await recording.setRunStatus({ runId: this.runId, status: 'waiting' });
    let decided: boolean;
    try {
      decided = await condition(() => this.#decisions.has(node.id), timeoutMs);
    } finally {
      this.#pending.delete(node.id);
    }
    if (--this.#waiting === 0) await recording.setRunStatus({ runId: this.runId, status: 'running' });
    ctx.setStatus('running');
    const onTimeout = begun.params['onTimeout'];
    if (!decided && onTimeout === 'fail') return ctx.fail({ type: 'ApprovalTimeout', message: `nobody decided within ${String(begun.params['timeout'])}`, nodeId: node.id, retryable: false });
    const d = this.#decisions.get(node.id);
    const approved = d ? d.approved : onTimeout === 'approve';
    const output = { approved, by: d?.by ?? null, comment: d?.comment ?? null, decidedAt: new Date().toISOString(), timedOut: !decided, input: request.input };
    return ctx.end({ output, ports: [approved ? 'approved' : 'rejected'] });
  }
}
