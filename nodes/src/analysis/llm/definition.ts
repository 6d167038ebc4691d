import { z } from 'zod';
import { defineNode } from '../../define-node.js';
import { JsonSchemaParam, jsonSchemaProblems, LlmCallParams, LlmNodeUsage } from '../../llm-params.js';

/** Asks an LLM; with an output schema, the answer is JSON checked against it. */
export default defineNode({
  type: 'analysis.llm',
  kind: 'analysis',
  version: 1,
  title: 'LLM',
  description:
    'Sends a prompt to the configured LLM providers (with failover) and outputs the answer. With an output schema the answer must be JSON following it: an invalid answer is asked for again once, then the node fails.',
  icon: 'sparkles',
  inputs: ['in'],
  outputs: ['out'],
  params: z
    .object({
      prompt: z.string().min(1).meta({ title: 'Prompt', description: 'What to ask; {{ }} expressions read the input and upstream outputs', multiline: true }),
      ...LlmCallParams,
      outputSchema: JsonSchemaParam.optional().meta({ title: 'Output schema', description: 'JSON Schema the answer must follow; the parsed answer is `json`' }),
    })
    .strict(),
  output: z.object({
    text: z.string().meta({ description: 'The answer as the model wrote it' }),
    json: z.unknown().optional().meta({ description: 'The parsed answer, when an output schema is set' }),
    provider: z.string(),
    model: z.string(),
    usage: LlmNodeUsage,
  }),
  // Retries cover providers that were all unavailable; refused requests and budgets never retry.
  policy: { timeout: '10m', maxAttempts: 3, initialInterval: '5s', backoff: 2 },
  check: (params) => jsonSchemaProblems(params.outputSchema, ['outputSchema']),
});
