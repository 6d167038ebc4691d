import type { ChatMessage } from '../services.js';
import { jsonInstruction, postJson, ProviderFailure, tokens, type ProviderClient } from './wire.js';

/**
 * OpenAI-compatible chat completions (`POST <baseUrl>/chat/completions`). Uses `max_tokens`,
 * which every compatible server understands. JSON answers follow the provider's
 * `structuredOutput`: `json_schema` sends the schema as structured output (strict only when the
 * schema meets OpenAI's strict rules, so any schema is accepted), `json_object` asks for JSON mode
 * and puts the schema in a system instruction, `prompt` only adds the instruction.
 */
export const openAiChat: ProviderClient = async (doFetch, provider, call) => {
  let messages: readonly ChatMessage[] = call.messages;
  let responseFormat: Record<string, unknown> | undefined;
  if (call.json) {
    if (provider.structuredOutput === 'json_schema') {
      responseFormat = { type: 'json_schema', json_schema: { name: schemaName(call.json.name), schema: call.json.schema, strict: isStrict(call.json.schema) } };
    } else {
      if (provider.structuredOutput === 'json_object') responseFormat = { type: 'json_object' };
      messages = [{ role: 'system', content: jsonInstruction(call.json.schema) }, ...messages];
    }
  }
  const body = {
    model: call.model,
    messages,
    ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
    ...(call.maxTokens === undefined ? {} : { max_tokens: call.maxTokens }),
    ...(responseFormat ? { response_format: responseFormat } : {}),
  };
  const headers: Record<string, string> = call.apiKey ? { authorization: `Bearer ${call.apiKey}` } : {};
  const answer = (await postJson(doFetch, `${provider.baseUrl}/chat/completions`, headers, body, call)) as {
    model?: unknown;
    choices?: { message?: { content?: unknown; refusal?: unknown } }[];
    usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
  };
  const message = answer.choices?.[0]?.message;
  if (typeof message?.content !== 'string') {
    const why = typeof message?.refusal === 'string' ? `the model refused: ${message.refusal}` : 'the answer has no message content';
    throw new ProviderFailure(why, true);
  }
  return {
    text: message.content,
    inputTokens: tokens(answer.usage?.prompt_tokens),
    outputTokens: tokens(answer.usage?.completion_tokens),
    ...(typeof answer.model === 'string' ? { model: answer.model } : {}),
  };
};

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
