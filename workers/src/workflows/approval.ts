import { condition, getExternalWorkflowHandle } from '@temporalio/workflow';
import { durationToMs } from '@weft/schemas/plan';
import type { RunNodeResult } from '../node-requests.js';
import { approveSignal, type AgentApprovalNotice, type ApprovalDecision, type PendingApproval } from './definitions.js';
import type { HereContext } from './node-context.js';
import { recording } from './recording.js';

/**
 * The approvals a run waits on and the decisions it received: its approval nodes, and the tool
 * calls its agents wait on (an agent announces them; decisions are forwarded to it). While at
 * least one approval waits, the run's status is `waiting`.
 */
export class Approvals {
  readonly #decisions = new Map<string, ApprovalDecision>();
  readonly #pending = new Map<string, PendingApproval>();
  /** Tool calls waiting in agents: the call key, and the agent workflow to forward a decision to. */
  readonly #calls = new Map<string, { readonly approval: PendingApproval; readonly workflowId: string }>();
  #waiting = 0;
  /** Status writes in the order they were decided, even when they come from signal handlers. */
  #statusWrites: Promise<void> = Promise.resolve();
  #writing = 0;

  constructor(
    private readonly runId: string,
    /** Whether a node id names an approval node of this run. */
    private readonly isApproval: (nodeId: string) => boolean,
  ) {}

  /** What the `state` query shows. */
  pending(): PendingApproval[] {
    return [...this.#pending.values(), ...[...this.#calls.values()].map((c) => c.approval)];
  }

  /**
   * Takes a decision from the `approve` signal: the first one counts; one for a node that is not
   * an approval is ignored. A decision on an agent's tool call goes on to that agent.
   */
  decide(d: ApprovalDecision): void {
    if (d.call !== undefined) {
      const target = this.#calls.get(d.call);
      // The agent may have stopped waiting (timed out) and ended meanwhile: the decision then counts for nothing, and a
      // rejected signal left unhandled would fail every workflow task of the run.
      if (target) getExternalWorkflowHandle(target.workflowId).signal(approveSignal, d).catch(() => undefined);
      return;
    }
    const id = d.nodeId ?? (this.#pending.size === 1 && this.#calls.size === 0 ? [...this.#pending.keys()][0] : undefined);
    if (id !== undefined && this.isApproval(id) && !this.#decisions.has(id)) this.#decisions.set(id, d);
  }

  /** Takes an agent's notice of a tool call that waits (or no longer waits) for a person. */
  async notice(n: AgentApprovalNotice): Promise<void> {
    if ('waiting' in n) {
      const key = n.waiting.call?.key;
      if (key === undefined || this.#calls.has(key)) return;
      this.#calls.set(key, { approval: n.waiting, workflowId: n.workflowId });
      await this.#enter();
    } else if (this.#calls.delete(n.done)) await this.#leave();
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
    await this.#enter();
    let decided: boolean;
    try {
      decided = await condition(() => this.#decisions.has(node.id), timeoutMs);
    } finally {
      this.#pending.delete(node.id);
    }
    await this.#leave();
    ctx.setStatus('running');
    const onTimeout = begun.params['onTimeout'];
    if (!decided && onTimeout === 'fail') return ctx.fail({ type: 'ApprovalTimeout', message: `nobody decided within ${String(begun.params['timeout'])}`, nodeId: node.id, retryable: false });
    const d = this.#decisions.get(node.id);
    const approved = d ? d.approved : onTimeout === 'approve';
    const output = { approved, by: d?.by ?? null, comment: d?.comment ?? null, decidedAt: new Date().toISOString(), timedOut: !decided, input: request.input };
    return ctx.end({ output, ports: [approved ? 'approved' : 'rejected'] });
  }

  #enter(): Promise<void> {
    return this.#write(this.#waiting++ === 0 ? 'waiting' : undefined);
  }

  #leave(): Promise<void> {
    return this.#write(--this.#waiting === 0 ? 'running' : undefined);
  }

  #write(status: 'waiting' | 'running' | undefined): Promise<void> {
    if (status === undefined) return Promise.resolve();
    const write = async () => {
      try {
        await recording.setRunStatus({ runId: this.runId, status });
      } finally {
        this.#writing--;
      }
    };
    // Scheduled at once when nothing is being written (the order saved histories hold), else after.
    this.#statusWrites = this.#writing++ === 0 ? write() : this.#statusWrites.then(write);
    return this.#statusWrites;
  }
}
