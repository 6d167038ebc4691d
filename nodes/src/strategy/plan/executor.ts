import { NodeError, type Execute } from '../../context.js';
import { compileJsonSchema } from '../../llm-params.js';
import { checkWith, completeJson, question, requestOptions } from '../../llm/structured.js';
import definition, { DEFAULT_PLAN_SCHEMA } from './definition.js';

const PLANNER =
  'You are a planner. Break the goal into the fewest concrete steps that reach it, in the order they should run, using only what the context says or what is generally known.';

/** Asks for the plan as JSON following the plan schema; an invalid plan is re-asked once. */
export const execute = (async (ctx, params, _input) => {
  const schema = params.planSchema ?? DEFAULT_PLAN_SCHEMA;
  const compiled = compileJsonSchema(schema);
  if (!compiled.ok) throw new NodeError('InvalidParams', `planSchema: ${compiled.message}`, false);
  const context = params.context === undefined ? '' : `\n\nContext:\n${typeof params.context === 'string' ? params.context : JSON.stringify(params.context, null, 2)}`;
  const answer = await completeJson(
    ctx.llm,
    { ...requestOptions(params), messages: question(params.system ?? PLANNER, `Goal: ${params.goal}${context}`), json: { name: 'plan', schema } },
    checkWith(compiled.schema),
  );
  return { plan: answer.value, provider: answer.result.provider, model: answer.result.model, usage: answer.usage };
}) satisfies Execute<typeof definition>;
