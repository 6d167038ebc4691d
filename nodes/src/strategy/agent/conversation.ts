import { type AgentCallData, type AgentStep, type AgentTaskData, type AgentTurnData, type ExpressionScope } from '@weft/schemas';
import { compileJsonSchema } from '../../llm-params.js';
import { checkWith, parseAnswer } from '../../llm/structured.js';
import type { ChatMessage, Sandbox } from '../../services.js';
import { findPii, findSecrets, walkStrings, type PiiKind } from '../../security/policy/detectors.js';

/** A tool result longer than this is cut before the model reads it (the transcript keeps all of it). */
export const TOOL_RESULT_MAX_CHARS = 32_000;

/**
 * The conversation so far, in provider-neutral messages, rebuilt from the recorded transcript:
 * the instructions, the task, then each turn with its calls' results (or errors, or the
 * approver's refusal) and any request to correct the answer.
 */
export function agentMessages(start: Pick<AgentTaskData, 'instructions' | 'task'>, steps: readonly AgentStep[]): ChatMessage[] {
  const messages: ChatMessage[] = [...(start.instructions ? [{ role: 'system' as const, content: start.instructions }] : []), { role: 'user', content: start.task }];
  const ordered = [...steps].sort((a, b) => a.turn - b.turn || a.part - b.part);
  for (const s of ordered) {
    if (s.kind === 'turn' && s.status === 'succeeded') {
      const d = s.data as AgentTurnData;
      messages.push({ role: 'assistant', content: d.text, ...(d.toolCalls.length ? { toolCalls: d.toolCalls } : {}) });
    } else if (s.kind === 'call' && s.status !== 'running' && s.status !== 'waiting') {
      const d = s.data as AgentCallData;
      messages.push({ role: 'tool', toolCallId: d.callId, name: d.name, ...toolResult(s.status, d) });
    } else if (s.kind === 'reask') {
      messages.push({ role: 'user', content: (s.data as { message: string }).message });
    }
  }
  return messages;
}

/** What the model reads as a call's result. */
export function toolResult(status: AgentStep['status'], d: AgentCallData): { content: string; isError?: boolean } {
  const edited = d.approval?.status === 'edited' ? `(A person changed the arguments before the call ran: ${JSON.stringify(d.approval.arguments)})\n` : '';
  if (status === 'rejected') {
    const why = d.approval?.status === 'timed_out' ? 'nobody approved it in time' : `a person rejected it${d.approval?.comment ? `: ${d.approval.comment}` : ''}`;
    return { content: `The call was not run: ${why}.`, isError: true };
  }
  if (status === 'failed' || d.error) return { content: `${edited}The tool failed: ${d.error?.type ?? 'Error'}: ${d.error?.message ?? 'unknown error'}`, isError: true };
  const text = typeof d.output === 'string' ? d.output : (JSON.stringify(d.output) ?? 'null');
  const cut = text.length > TOOL_RESULT_MAX_CHARS ? `${text.slice(0, TOOL_RESULT_MAX_CHARS)}… (cut: ${text.length} characters in all)` : text;
  return { content: `${edited}${cut}` };
}

/** Checks a final answer against the agent's output schema: the parsed value, or what is wrong in words the model can act on. */
export function checkFinalAnswer(text: string, schema: Readonly<Record<string, unknown>>): { ok: true; value: unknown } | { ok: false; problem: string } {
  const compiled = compileJsonSchema(schema);
  if (!compiled.ok) return { ok: false, problem: compiled.message };
  return parseAnswer(text, checkWith(compiled.schema));
}

/** The message that asks the model once more for an answer that follows the schema. */
export function reaskMessage(problem: string): string {
  return `That answer is not valid: ${problem}. Answer again with only the corrected JSON.`;
}

/** When a call must wait for a person. */
export interface CallApprovalRule {
  readonly require: 'always' | 'when';
  readonly when?: string;
  readonly detectors?: readonly string[];
}

/**
 * Why a tool call needs approval, or `undefined` when it may run at once. The rule is JSONata
 * over the call's arguments (the context, and `$tool.<arg>`) and the run (`$run`, `$nodes`);
 * detectors look for personal data or secrets in the arguments.
 */
export async function approvalReason(rule: CallApprovalRule | undefined, tool: string, args: Readonly<Record<string, unknown>>, scope: ExpressionScope, sandbox: Pick<Sandbox, 'evaluate'>, timeoutMs?: number): Promise<string | undefined> {
  if (!rule) return undefined;
  if (rule.require === 'always') return `every call of ${tool} needs approval`;
  const kinds = (rule.detectors ?? []).filter((k): k is PiiKind => k !== 'secret');
  const found: string[] = [];
  walkStrings(args, (text, path) => {
    for (const d of [...(kinds.length ? findPii(text, kinds) : []), ...(rule.detectors?.includes('secret') ? findSecrets(text) : [])]) found.push(`${d.kind} in ${path || 'the arguments'}`);
  });
  if (found.length) return `the arguments contain ${[...new Set(found)].join(', ')}`;
  if (rule.when) {
    const held = await sandbox.evaluate(rule.when, { ...scope, input: args, tool: { ...args } }, timeoutMs);
    if (held === true) return `the rule holds: ${rule.when}`;
  }
  return undefined;
}
