import { jsonPath } from '@weft/schemas';
import type { LiveRunState } from '@weft/workers/definitions';
import { z } from 'zod';
import { CallRequired, InvalidArguments, InvalidRunRequest, NodeRequired, NotWaiting } from './errors.js';

/** A person's answer to an approval: a node's, or one tool call's of an agent. */
export interface Decision {
  readonly nodeId?: string;
  readonly call?: string;
  readonly arguments?: Record<string, unknown>;
  readonly approved: boolean;
  readonly comment?: string;
}

/** The approval a decision answers, with the call's tool and proposed arguments for the audit log. */
export interface DecisionTarget {
  readonly nodeId: string;
  readonly call?: string;
  readonly tool?: string;
  readonly proposed?: unknown;
}

/**
 * Finds the waiting approval `d` answers in the run's live state: the named call, the named node,
 * or the only one waiting. Throws when none fits or the decision cannot be applied as asked.
 */
export function decisionTarget(runId: string, live: LiveRunState, d: Decision): DecisionTarget {
  const nodes = live.approvals.filter((a) => !a.call).map((a) => a.nodeId);
  const calls = live.approvals.flatMap((a) => (a.call ? [a.call.key] : []));
  const describeWaiting = () => [...nodes, ...calls.map((k) => `call ${k}`)].join(', ') || 'none';
  if (d.arguments !== undefined && (d.call === undefined || !d.approved)) {
    throw new InvalidRunRequest('arguments can be changed only when approving a tool call', [{ path: '$.arguments', message: d.call === undefined ? 'name the call (`call`)' : 'leave it out when rejecting' }]);
  }
  if (d.call !== undefined) {
    const waiting = live.approvals.find((a) => a.call?.key === d.call);
    if (!waiting) throw new NotWaiting(`call ${d.call} of run ${runId} is not waiting for an approval`, [{ path: '$.call', message: `waiting: ${describeWaiting()}` }]);
    if (d.arguments !== undefined) {
      if (!waiting.call!.parameters) throw new InvalidRunRequest(`call ${d.call} asks a person a question; its arguments cannot be changed`, [{ path: '$.arguments', message: 'leave it out' }]);
      const problems = argumentProblems(waiting.call!.parameters, d.arguments);
      if (problems.length) throw new InvalidArguments(`the edited arguments do not fit tool ${waiting.call!.tool}`, problems);
    }
    return { nodeId: waiting.nodeId, call: d.call, tool: waiting.call!.tool, proposed: waiting.call!.arguments };
  }
  const single = live.approvals.length === 1 ? live.approvals[0]! : undefined;
  const nodeId = d.nodeId ?? (single && !single.call ? single.nodeId : undefined);
  if (nodeId === undefined) {
    if (single?.call) throw new CallRequired(`run ${runId} waits on a tool call; name it`, [{ path: '$.call', message: `one of: ${calls.join(', ')}` }]);
    throw live.approvals.length === 0
      ? new NotWaiting(`run ${runId} is not waiting for an approval`)
      : new NodeRequired(`run ${runId} waits on several approvals; say which`, [{ path: '$.nodeId', message: `one of: ${describeWaiting()}` }]);
  }
  if (!nodes.includes(nodeId)) throw new NotWaiting(`node ${nodeId} of run ${runId} is not waiting for an approval`, [{ path: '$.nodeId', message: `waiting: ${describeWaiting()}` }]);
  return { nodeId };
}

/** Where edited tool-call arguments break the tool's argument schema, as `$.arguments.…` paths. */
function argumentProblems(schema: Readonly<Record<string, unknown>>, args: Readonly<Record<string, unknown>>): { path: string; message: string }[] {
  let check: z.ZodType;
  try {
    check = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    // A schema zod cannot read (an MCP server's, say) is left to the tool to enforce.
    return [];
  }
  const parsed = check.safeParse(args);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: jsonPath(['arguments', ...i.path]), message: i.message }));
}
