import type { AgentCallData, AgentStep, AgentTurnData, RunEvent } from '@weft/schemas';
import type { ApiClient } from './client.js';

/** What an `agent` event says: which step of which conversation changed, and to what. */
interface AgentEventData {
  readonly agent: string;
  readonly turn: number;
  readonly part: number;
  readonly kind: AgentStep['kind'];
  readonly status: AgentStep['status'];
  readonly name?: string;
}

/** One line of text, cut to `max` characters. */
function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The lines an agent step prints when it ends (or starts waiting for a person): the calls a
 * turn asks for or its answer, each call's result or error, a decision, a request to answer again.
 */
export async function agentLines(api: Pick<ApiClient, 'request'>, runId: string, e: Pick<RunEvent, 'data'>): Promise<string[]> {
  const d = e.data as AgentEventData;
  if (d.status === 'running' || d.kind === 'task') return [];
  const at = `${d.agent} ›`;
  const { steps } = await api.request<{ steps: AgentStep[] }>('GET', `/api/runs/${runId}/transcript?agent=${encodeURIComponent(d.agent)}`);
  const step = steps.find((s) => s.turn === d.turn && s.part === d.part);
  if (!step) return [`${at} turn ${d.turn}: ${d.name ?? d.kind} ${d.status}`];
  if (d.kind === 'reask') return [`${at} the answer does not follow the output schema: asked again`];
  if (d.kind === 'turn') {
    const turn = step.data as AgentTurnData & { error?: { message: string } };
    if (d.status === 'failed') return [`${at} turn ${d.turn} failed: ${turn.error?.message ?? 'unknown error'}`];
    if (turn.toolCalls.length === 0) return [`${at} answer: ${oneLine(turn.text, 1000)}`];
    return turn.toolCalls.map((c) => `${at} turn ${d.turn}: calling ${c.name} ${oneLine(c.invalidArguments ?? JSON.stringify(c.arguments))}`);
  }
  const call = step.data as AgentCallData;
  const by = call.approval?.by ? ` by ${call.approval.by}` : '';
  switch (d.status) {
    case 'waiting':
      return [`${at} ${call.name} waits for approval: ${call.approval?.reason ?? ''}`.trimEnd()];
    case 'rejected':
      return [`${at} ${call.name} not run: ${call.approval?.status === 'timed_out' ? 'nobody approved it in time' : `rejected${by}${call.approval?.comment ? `: ${call.approval.comment}` : ''}`}`];
    case 'failed':
      return [`${at} ${call.name} failed: ${call.error?.message ?? 'unknown error'}`];
    default: {
      const decided = call.approval?.status === 'approved' ? ` (approved${by})` : call.approval?.status === 'edited' ? ` (arguments changed${by}: ${oneLine(JSON.stringify(call.arguments), 200)})` : '';
      return [`${at} ${call.name} → ${oneLine(JSON.stringify(call.output) ?? 'null')}${decided}`];
    }
  }
}
