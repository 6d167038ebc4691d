import type { ChatMessage, FinishReason, ToolCall } from '../services.js';
import { eventJson, finishOf, jsonInstruction, postJson, postStream, ProviderFailure, tokens, toolCall, wireId, type ProviderAnswer, type ProviderCall, type ProviderClient } from './wire.js';

/** The Messages API version Weft speaks. */
const ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic requires a limit; this one is used when the node sets none. */
const DEFAULT_MAX_TOKENS = 4096;
/** Where messages are posted, under the provider's base URL. */
export const ANTHROPIC_MESSAGES_PATH = '/v1/messages';

/**
 * Anthropic Messages (`POST <baseUrl>/v1/messages`). System messages become the `system` field.
 * JSON answers are asked for with a system instruction carrying the schema (rather than a forced
 * tool call), so the answer is plain text like every other provider's and is validated by Weft.
 * Temperature is capped at 1, Anthropic's maximum. Tool calls travel as `tool_use` blocks and
 * their results as `tool_result` blocks of the next user message; with `onText` the answer is
 * streamed.
 */
export const anthropicMessages: ProviderClient = async (doFetch, provider, call) => {
  const system = call.messages.filter((m) => m.role === 'system').map((m) => m.content);
  if (call.json) system.push(jsonInstruction(call.json.schema));
  const tools = call.tools?.length ? call.tools : undefined;
  const body = {
    model: call.model,
    max_tokens: call.maxTokens ?? DEFAULT_MAX_TOKENS,
    ...(system.length ? { system: system.join('\n\n') } : {}),
    messages: wireMessages(call.messages),
    ...(call.temperature === undefined ? {} : { temperature: Math.min(1, call.temperature) }),
    ...(tools ? { tools: tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })) } : {}),
    ...(tools && call.toolChoice ? { tool_choice: { type: TOOL_CHOICE[call.toolChoice] } } : {}),
    ...(call.onText ? { stream: true } : {}),
  };
  const headers: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION, ...(call.apiKey ? { 'x-api-key': call.apiKey } : {}) };
  const url = `${provider.baseUrl}${ANTHROPIC_MESSAGES_PATH}`;
  if (call.onText) return streamed(doFetch, url, headers, body, call, call.onText);
  const answer = (await postJson(doFetch, url, headers, body, call)) as {
    model?: unknown;
    content?: { type?: unknown; text?: unknown; id?: unknown; name?: unknown; input?: unknown }[];
    stop_reason?: unknown;
    usage?: { input_tokens?: unknown; output_tokens?: unknown };
  };
  if (!Array.isArray(answer.content)) throw new ProviderFailure('the answer has no content', true);
  const text = answer.content
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('');
  const toolCalls = answer.content.filter((b) => b.type === 'tool_use').map((b, i) => toolCall(typeof b.id === 'string' ? b.id : `toolu_${i}`, typeof b.name === 'string' ? b.name : '', b.input ?? {}));
  return {
    text,
    toolCalls,
    finishReason: finishOf(finishReason(answer.stop_reason), toolCalls),
    inputTokens: tokens(answer.usage?.input_tokens),
    outputTokens: tokens(answer.usage?.output_tokens),
    ...(typeof answer.model === 'string' ? { model: answer.model } : {}),
  };
};

const TOOL_CHOICE = { auto: 'auto', required: 'any', none: 'none' } as const;

type WireBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Readonly<Record<string, unknown>> }
  | { type: 'tool_result'; tool_use_id: string; content: string; is_error: boolean };
type WireMessage = { role: 'user' | 'assistant'; content: string | WireBlock[] };

/** The conversation without its system messages; the results of one turn's tool calls go together in one user message, as Anthropic requires. */
function wireMessages(messages: readonly ChatMessage[]): WireMessage[] {
  const out: WireMessage[] = [];
  let results: WireBlock[] | undefined;
  for (const m of messages) {
    if (m.role === 'tool') {
      const block: WireBlock = { type: 'tool_result', tool_use_id: wireId(m.toolCallId), content: m.content, is_error: m.isError === true };
      if (results) results.push(block);
      else out.push({ role: 'user', content: (results = [block]) });
      continue;
    }
    results = undefined;
    if (m.role === 'system') continue;
    if (m.role === 'assistant' && m.toolCalls?.length) {
      out.push({
        role: 'assistant',
        content: [...(m.content ? [{ type: 'text' as const, text: m.content }] : []), ...m.toolCalls.map((c) => ({ type: 'tool_use' as const, id: wireId(c.id), name: c.name, input: c.arguments }))],
      });
      continue;
    }
    out.push({ role: m.role, content: m.content });
  }
  return out;
}

function finishReason(reason: unknown): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
      return 'length';
    default:
      return 'other';
  }
}

interface StreamEvent {
  type?: unknown;
  index?: unknown;
  message?: { model?: unknown; usage?: { input_tokens?: unknown; output_tokens?: unknown } };
  content_block?: { type?: unknown; text?: unknown; id?: unknown; name?: unknown; input?: unknown };
  delta?: { type?: unknown; text?: unknown; partial_json?: unknown; stop_reason?: unknown };
  usage?: { input_tokens?: unknown; output_tokens?: unknown };
  error?: { type?: unknown; message?: unknown };
}

/**
 * A streamed answer: `message_start` (model, input usage), content blocks opened by
 * `content_block_start` and filled by text or `input_json_delta` fragments, `message_delta` (stop
 * reason, output usage), `message_stop`. An `error` event fails the call over.
 */
async function streamed(doFetch: typeof fetch, url: string, headers: Record<string, string>, body: unknown, call: ProviderCall, onText: (delta: string) => void): Promise<ProviderAnswer> {
  let text = '';
  let model: string | undefined;
  let stop: unknown;
  let finished = false;
  let inputTokens = 0;
  let outputTokens = 0;
  const blocks = new Map<number, { id: string; name: string; input: unknown; json: string }>();
  await postStream(doFetch, url, headers, body, call, (event) => {
    const e = eventJson(event) as StreamEvent;
    switch (e.type) {
      case 'message_start':
        if (typeof e.message?.model === 'string') model = e.message.model;
        inputTokens = tokens(e.message?.usage?.input_tokens);
        outputTokens = tokens(e.message?.usage?.output_tokens);
        break;
      case 'content_block_start':
        if (e.content_block?.type === 'tool_use' && typeof e.index === 'number') {
          const b = e.content_block;
          blocks.set(e.index, { id: typeof b.id === 'string' ? b.id : `toolu_${blocks.size}`, name: typeof b.name === 'string' ? b.name : '', input: b.input ?? {}, json: '' });
        } else if (e.content_block?.type === 'text' && typeof e.content_block.text === 'string' && e.content_block.text !== '') {
          text += e.content_block.text;
          onText(e.content_block.text);
        }
        break;
      case 'content_block_delta':
        if (e.delta?.type === 'text_delta' && typeof e.delta.text === 'string' && e.delta.text !== '') {
          text += e.delta.text;
          onText(e.delta.text);
        } else if (e.delta?.type === 'input_json_delta' && typeof e.delta.partial_json === 'string' && typeof e.index === 'number') {
          const b = blocks.get(e.index);
          if (b) b.json += e.delta.partial_json;
        }
        break;
      case 'message_delta':
        if (e.delta?.stop_reason !== undefined && e.delta.stop_reason !== null) stop = e.delta.stop_reason;
        // Usage here is cumulative: it replaces what message_start said (which counts output only so far).
        if (tokens(e.usage?.input_tokens) > 0) inputTokens = tokens(e.usage?.input_tokens);
        if (tokens(e.usage?.output_tokens) > 0) outputTokens = tokens(e.usage?.output_tokens);
        break;
      case 'message_stop':
        finished = true;
        break;
      case 'error': {
        const message = e.error?.message;
        throw new ProviderFailure(`the answer stream failed: ${typeof message === 'string' ? message : event.data}`, true);
      }
    }
  });
  if (!finished) throw new ProviderFailure('the answer stream ended before the answer did', true);
  // Blocks in the order the model wrote them; a call with no fragments keeps the input it started with.
  const toolCalls: ToolCall[] = [...blocks.entries()].sort(([a], [b]) => a - b).map(([, b]) => toolCall(b.id, b.name, b.json === '' ? b.input : b.json));
  return { text, toolCalls, finishReason: finishOf(finishReason(stop), toolCalls), inputTokens, outputTokens, ...(model ? { model } : {}) };
}
