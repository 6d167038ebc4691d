import { jsonInstruction, postJson, ProviderFailure, tokens, type ProviderClient } from './wire.js';

/** The Messages API version Weft speaks. */
const ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic requires a limit; this one is used when the node sets none. */
const DEFAULT_MAX_TOKENS = 4096;

/**
 * Anthropic Messages (`POST <baseUrl>/v1/messages`). System messages become the `system` field.
 * JSON answers are asked for with a system instruction carrying the schema (rather than a forced
 * tool call), so the answer is plain text like every other provider's and is validated by Weft.
 * Temperature is capped at 1, Anthropic's maximum.
 */
export const anthropicMessages: ProviderClient = async (doFetch, provider, call) => {
  const system = call.messages.filter((m) => m.role === 'system').map((m) => m.content);
  if (call.json) system.push(jsonInstruction(call.json.schema));
  const body = {
    model: call.model,
    max_tokens: call.maxTokens ?? DEFAULT_MAX_TOKENS,
    ...(system.length ? { system: system.join('\n\n') } : {}),
    messages: call.messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role, content: m.content })),
    ...(call.temperature === undefined ? {} : { temperature: Math.min(1, call.temperature) }),
  };
  const headers: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION, ...(call.apiKey ? { 'x-api-key': call.apiKey } : {}) };
  const answer = (await postJson(doFetch, `${provider.baseUrl}/v1/messages`, headers, body, call)) as {
    model?: unknown;
    content?: { type?: unknown; text?: unknown }[];
    usage?: { input_tokens?: unknown; output_tokens?: unknown };
  };
  if (!Array.isArray(answer.content)) throw new ProviderFailure('the answer has no content', true);
  const text = answer.content
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('');
  return {
    text,
    inputTokens: tokens(answer.usage?.input_tokens),
    outputTokens: tokens(answer.usage?.output_tokens),
    ...(typeof answer.model === 'string' ? { model: answer.model } : {}),
  };
};
