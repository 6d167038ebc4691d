import { NodeError, type Execute } from '../../context.js';
import { compileJsonSchema } from '../../llm-params.js';
import { checkWith, completeJson, question, requestOptions, sumUsage } from '../../llm/structured.js';
import type definition from './definition.js';

/** Asks once for text, or for JSON checked against the output schema (re-asked once when invalid). */
export const execute = (async (ctx, params, _input) => {
  const request = { ...requestOptions(params), messages: question(params.system, params.prompt) };
  if (!params.outputSchema) {
    const r = await ctx.llm.complete(request);
    return { text: r.text, provider: r.provider, model: r.model, usage: sumUsage([r]) };
  }
  const compiled = compileJsonSchema(params.outputSchema);
  if (!compiled.ok) throw new NodeError('InvalidParams', `outputSchema: ${compiled.message}`, false);
  const answer = await completeJson(ctx.llm, { ...request, json: { name: 'output', schema: params.outputSchema } }, checkWith(compiled.schema));
  return { text: answer.text, json: answer.value, provider: answer.result.provider, model: answer.result.model, usage: answer.usage };
}) satisfies Execute<typeof definition>;
