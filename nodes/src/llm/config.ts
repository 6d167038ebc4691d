import { z } from 'zod';

/** Price of a model, in US dollars per million tokens. */
export const LlmModelPrice = z
  .object({
    inputPerMTok: z.number().min(0),
    outputPerMTok: z.number().min(0),
  })
  .strict();
export type LlmModelPrice = z.infer<typeof LlmModelPrice>;

/**
 * One LLM provider the worker may call.
 * `openai` speaks chat completions at `<baseUrl>/chat/completions` (OpenAI, Ollama, vLLM,
 * LM Studio, Groq, DeepSeek, OpenRouter: give the base URL up to and including `/v1`);
 * `anthropic` speaks the Messages API at `<baseUrl>/v1/messages` (`https://api.anthropic.com`).
 * @example { "name": "local", "type": "openai", "baseUrl": "http://127.0.0.1:11434/v1", "model": "llama3.2" }
 */
export const LlmProviderConfig = z
  .object({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'expected a letter followed by letters, digits, _, . or -'),
    type: z.enum(['openai', 'anthropic']),
    baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).transform((u) => u.replace(/\/+$/, '')),
    model: z.string().min(1).describe('Model used when a node names none'),
    apiKeySecret: z.string().min(1).optional().describe('Name of the Weft secret holding the API key; none for local servers'),
    timeoutMs: z.number().int().min(100).max(3_600_000).default(60_000),
    pricing: z.record(z.string(), LlmModelPrice).optional().describe('USD per million tokens, by model; unknown models cost 0'),
    /**
     * How an `openai` provider is asked for JSON: `json_schema` (structured output), `json_object`
     * (JSON mode, for servers without structured output such as DeepSeek) or `prompt` (an
     * instruction only). The schema is always in the instruction too, except with `json_schema`.
     */
    structuredOutput: z.enum(['json_schema', 'json_object', 'prompt']).default('json_schema'),
  })
  .strict();
export type LlmProviderConfig = z.infer<typeof LlmProviderConfig>;
/** A provider as written in configuration, before defaults. */
export type LlmProviderConfigInput = z.input<typeof LlmProviderConfig>;

/** The configured providers, in the default failover order; names are unique. */
export const LlmProviderList = z.array(LlmProviderConfig).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((p, i) => {
    if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `provider name "${p.name}" is used more than once` });
    seen.add(p.name);
  });
});
export type LlmProviderList = z.infer<typeof LlmProviderList>;

/** Cost of a call in USD, from the provider's pricing; 0 when the model has no price. */
export function costOf(provider: Pick<LlmProviderConfig, 'pricing'>, model: string, inputTokens: number, outputTokens: number): number {
  const price = provider.pricing?.[model];
  if (!price) return 0;
  return (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000;
}
