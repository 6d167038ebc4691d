import type { ChatMessage, FinishReason, ToolCall } from '../services.js';
import { eventJson, finishOf, jsonInstruction, postJson, postStream, ProviderFailure, tokens, toolCall, wireId, type ProviderAnswer, type ProviderCall, type ProviderClient } from './wire.js';

/** Where chat completions are posted, under the provider's base URL. */
export const OPENAI_CHAT_PATH = '/chat/completions';

/**
 * OpenAI-compatible chat completions (`POST <baseUrl>/chat/completions`). Uses `max_tokens`,
 * which every compatible server understands. JSON answers follow the provider's
 * `structuredOutput`: `json_schema` sends the schema as structured output (strict only when the
 * schema meets OpenAI's strict rules, so any schema is accepted), `json_object` asks for JSON mode
 * and puts the schema in a system instruction, `prompt` only adds the instruction. Tools are
 * sent as functions; with `onText` the answer is streamed (usage included).
 */
export const openAiChat: ProviderClient = async (doFetch, provider, call) => {
  const system: WireMessage[] = [];
  let responseFormat: Record<string, unknown> | undefined;
  if (call.json) {
    if (provider.structuredOutput === 'json_schema') {
      responseFormat = { type: 'json_schema', json_schema: { name: schemaName(call.json.name), schema: call.json.schema, strict: isStrict(call.json.schema) } };
    } else {
      if (provider.structuredOutput === 'json_object') responseFormat = { type: 'json_object' };
      system.push({ role: 'system', content: jsonInstruction(call.json.schema) });
    }
  }
  const tools = call.tools?.length ? call.tools : undefined;
  const body = {
    model: call.model,
    messages: [...system, ...call.messages.map(wireMessage)],
    ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
    ...(call.maxTokens === undefined ? {} : { max_tokens: call.maxTokens }),
    ...(responseFormat ? { response_format: responseFormat } : {}),
    ...(tools ? { tools: tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } })) } : {}),
    ...(tools && call.toolChoice ? { tool_choice: call.toolChoice } : {}),
    ...(call.onText ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
  const headers: Record<string, string> = call.apiKey ? { authorization: `Bearer ${call.apiKey}` } : {};
  const url = `${provider.baseUrl}${OPENAI_CHAT_PATH}`;
  if (call.onText) return streamed(doFetch, url, headers, body, call, call.onText);
  const answer = (await postJson(doFetch, url, headers, body, call)) as {
    model?: unknown;
    choices?: { message?: { content?: unknown; refusal?: unknown; tool_calls?: unknown }; finish_reason?: unknown }[];
    usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
  };
  const choice = answer.choices?.[0];
  const message = choice?.message;
  const toolCalls = Array.isArray(message?.tool_calls) ? (message.tool_calls as WireToolCall[]).map((c, i) => toolCall(c.id ?? `call_${i}`, c.function?.name ?? '', c.function?.arguments)) : [];
  if (typeof message?.content !== 'string' && toolCalls.length === 0) {
    const why = typeof message?.refusal === 'string' ? `the model refused: ${message.refusal}` : 'the answer has no message content';
    throw new ProviderFailure(why, true);
  }
  return {
    text: typeof message?.content === 'string' ? message.content : '',
    toolCalls,
    finishReason: finishOf(finishReason(choice?.finish_reason), toolCalls),
    inputTokens: tokens(answer.usage?.prompt_tokens),
    outputTokens: tokens(answer.usage?.completion_tokens),
    ...(typeof answer.model === 'string' ? { model: answer.model } : {}),
  };
};

/** Text before a failed tool's result: chat completions have no flag for it. */
export const TOOL_ERROR_PREFIX = 'Error: ';

type WireMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[] }
  | { role: 'tool'; tool_call_id: string; content: string };

interface WireToolCall {
  id?: string;
  function?: { name?: string; arguments?: unknown };
}

function wireMessage(m: ChatMessage): WireMessage {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'assistant':
      if (!m.toolCalls?.length) return { role: 'assistant', content: m.content };
      return {
        role: 'assistant',
        content: m.content === '' ? null : m.content,
        // Arguments the model garbled go back as it wrote them, so it can see its mistake.
        tool_calls: m.toolCalls.map((c) => ({ id: wireId(c.id), type: 'function', function: { name: c.name, arguments: c.invalidArguments ?? JSON.stringify(c.arguments) } })),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: wireId(m.toolCallId), content: m.isError ? `${TOOL_ERROR_PREFIX}${m.content}` : m.content };
  }
}

function finishReason(reason: unknown): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'length':
      return 'length';
    default:
      return 'other';
  }
}

/** A streamed answer: content deltas, tool calls in fragments by index, the finish reason, then usage in a last chunk. */
async function streamed(doFetch: typeof fetch, url: string, headers: Record<string, string>, body: unknown, call: ProviderCall, onText: (delta: string) => void): Promise<ProviderAnswer> {
  let text = '';
  let refusal = '';
  let finish: unknown;
  let finished = false;
  let model: string | undefined;
  let usage: { prompt_tokens?: unknown; completion_tokens?: unknown } | undefined;
  const calls: { id?: string; name: string; arguments: string }[] = [];
  await postStream(doFetch, url, headers, body, call, (event) => {
    if (event.data.trim() === '[DONE]') {
      finished = true;
      return;
    }
    const chunk = eventJson(event) as {
      model?: unknown;
      error?: { message?: unknown } | string;
      choices?: { delta?: { content?: unknown; refusal?: unknown; tool_calls?: (WireToolCall & { index?: unknown })[] }; finish_reason?: unknown }[];
      usage?: typeof usage | null;
    };
    if (chunk.error) {
      const message = typeof chunk.error === 'string' ? chunk.error : chunk.error.message;
      throw new ProviderFailure(`the answer stream failed: ${typeof message === 'string' ? message : JSON.stringify(chunk.error)}`, true);
    }
    if (typeof chunk.model === 'string') model = chunk.model;
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = choice.delta;
    if (typeof delta?.content === 'string' && delta.content !== '') {
      text += delta.content;
      onText(delta.content);
    }
    if (typeof delta?.refusal === 'string') refusal += delta.refusal;
    for (const fragment of Array.isArray(delta?.tool_calls) ? delta.tool_calls : []) {
      // The first fragment of a call carries its id and name; later ones add to its arguments.
      const index = typeof fragment.index === 'number' ? fragment.index : fragment.id || calls.length === 0 ? calls.length : calls.length - 1;
      const c = (calls[index] ??= { name: '', arguments: '' });
      if (typeof fragment.id === 'string' && fragment.id) c.id = fragment.id;
      // Some servers repeat the name in every fragment: keep the first.
      if (typeof fragment.function?.name === 'string' && !c.name) c.name = fragment.function.name;
      if (typeof fragment.function?.arguments === 'string') c.arguments += fragment.function.arguments;
    }
    if (choice.finish_reason !== undefined && choice.finish_reason !== null) {
      finish = choice.finish_reason;
      finished = true;
    }
  });
  if (!finished) throw new ProviderFailure('the answer stream ended before the answer did', true);
  const toolCalls: ToolCall[] = calls.filter(Boolean).map((c, i) => toolCall(c.id ?? `call_${i}`, c.name, c.arguments));
  if (text === '' && toolCalls.length === 0 && refusal) throw new ProviderFailure(`the model refused: ${refusal}`, true);
  return {
    text,
    toolCalls,
    finishReason: finishOf(finishReason(finish), toolCalls),
    inputTokens: tokens(usage?.prompt_tokens),
    outputTokens: tokens(usage?.completion_tokens),
    ...(model ? { model } : {}),
  };
}

/** OpenAI's schema names allow letters, digits, `_` and `-`, up to 64. */
function schemaName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'answer';
}

/**
 * Whether strict structured output accepts the schema: every object closes its properties
 * (`additionalProperties: false`) and requires all of them. Other schemas go non-strict and are
 * validated by Weft after the answer arrives.
 */
export function isStrict(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrict);
  if (schema === null || typeof schema !== 'object') return true;
  const s = schema as Record<string, unknown>;
  const isObject = s['type'] === 'object' || (Array.isArray(s['type']) && s['type'].includes('object'));
  if (isObject) {
    const props = (s['properties'] ?? {}) as Record<string, unknown>;
    const required = Array.isArray(s['required']) ? s['required'] : [];
    if (s['additionalProperties'] !== false || Object.keys(props).some((k) => !required.includes(k))) return false;
  }
  return Object.entries(s).every(([k, v]) => k === 'enum' || k === 'const' || k === 'default' || k === 'examples' || isStrict(v));
}
