import { z } from 'zod';

/**
 * Params every LLM node type shares, and the JSON Schema checks their definitions run.
 * Isomorphic: the editor reads these through the node definitions.
 */

/** How an LLM node calls the providers: which ones, which model, how long and how much. */
export const LlmCallParams = {
  system: z.string().optional().meta({ title: 'System prompt', description: 'Instructions sent before the prompt', multiline: true }),
  model: z.string().min(1).optional().meta({ title: 'Model', description: 'Model id for every provider of the chain; empty means each provider\'s default model' }),
  providers: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .meta({ title: 'Providers', description: 'Provider names in failover order; default: the workflow\'s providers, else every configured provider' }),
  temperature: z.number().min(0).max(2).optional().meta({ title: 'Temperature' }),
  maxTokens: z.number().int().min(1).max(1_000_000).optional().meta({ title: 'Longest answer (tokens)' }),
  timeoutMs: z.number().int().min(100).max(3_600_000).optional().meta({ title: 'Time limit of one provider call (ms)', description: 'Default: the provider\'s own' }),
} as const;

/** A JSON Schema an LLM answer must follow. */
export const JsonSchemaParam = z.record(z.string(), z.unknown());

/** Usage of the provider calls a node made, summed. */
export const LlmNodeUsage = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
});
export type LlmNodeUsage = z.infer<typeof LlmNodeUsage>;

/** A JSON Schema turned into a zod schema, or why it could not be. */
export type CompiledJsonSchema = { readonly ok: true; readonly schema: z.ZodType } | { readonly ok: false; readonly message: string };

/** Turns a JSON Schema into a zod schema that validates answers (zod's `fromJSONSchema`). */
export function compileJsonSchema(schema: Readonly<Record<string, unknown>>): CompiledJsonSchema {
  try {
    return { ok: true, schema: z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]) };
  } catch (e) {
    return { ok: false, message: `not a usable JSON Schema: ${(e as Error).message}` };
  }
}

/** The validator's problems for a JSON Schema param, when it cannot be used. */
export function jsonSchemaProblems(schema: Readonly<Record<string, unknown>> | undefined, path: readonly PropertyKey[]): { path: readonly PropertyKey[]; message: string }[] {
  if (schema === undefined) return [];
  const compiled = compileJsonSchema(schema);
  return compiled.ok ? [] : [{ path, message: compiled.message }];
}
