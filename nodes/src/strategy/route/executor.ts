import { z } from 'zod';
import { ExpressionError, type RouteChoice } from '@weft/schemas';
import { NodeError, type Execute, type NodeContext } from '../../context.js';
import { routed } from '../../define-node.js';
import { checkWith, completeJson, question, requestOptions } from '../../llm/structured.js';
import type definition from './definition.js';

type Params = Parameters<Execute<typeof definition>>[1];

/** Picks the port and sends the input, unchanged, out of it alone; notes the port and why. */
export const execute: Execute<typeof definition> = async (ctx, params, input) => {
  const choice = params.mode === 'rules' ? await byRules(ctx, params) : await byLlm(ctx, params, input);
  ctx.note({ route: choice });
  return routed(choice.port, input);
};

/** The first route whose condition is exactly `true`, else the fallback. */
async function byRules(ctx: NodeContext, params: Params): Promise<RouteChoice> {
  for (const [i, route] of params.routes.entries()) {
    if (route.when === undefined) throw new NodeError('InvalidParams', `routes.${i}.when: in rules mode every route needs a condition`, false);
    try {
      if ((await ctx.sandbox.evaluate(route.when, ctx.scope)) === true) return { port: route.port, by: 'rule', index: i, condition: route.when };
    } catch (e) {
      if (e instanceof ExpressionError) throw new NodeError(e.type, `route "${route.port}": ${e.message}`, false);
      throw e;
    }
  }
  return { port: params.default, by: 'fallback' };
}

const ROUTER =
  'You route a request to exactly one of the ports listed below. Answer with the port name that fits best and a one-sentence reason.';

/** Asks the LLM for one port name, constrained to the known ones; anything else is re-asked once. */
async function byLlm(ctx: NodeContext, params: Params, input: unknown): Promise<RouteChoice> {
  const choices = params.routes.map((r) => ({ port: r.port, description: r.description ?? r.port }));
  if (!choices.some((c) => c.port === params.default)) choices.push({ port: params.default, description: 'when no other port fits' });
  const ports = choices.map((c) => c.port);
  const schema = {
    type: 'object',
    properties: { port: { type: 'string', enum: ports }, reason: { type: 'string' } },
    required: ['port', 'reason'],
    additionalProperties: false,
  };
  const system = `${params.system ? `${params.system}\n\n` : ''}${ROUTER}\n\nPorts:\n${choices.map((c) => `- ${c.port}: ${c.description}`).join('\n')}`;
  const prompt = params.prompt ?? (typeof input === 'string' ? input : JSON.stringify(input ?? null, null, 2));
  const check = checkWith(z.object({ port: z.enum(ports as [string, ...string[]], { error: `port must be one of ${ports.join(', ')}` }), reason: z.string().optional() }));
  const answer = await completeJson(ctx.llm, { ...requestOptions(params), messages: question(system, prompt), json: { name: 'route', schema } }, check);
  ctx.log.info('routed by LLM', { port: answer.value.port, reason: answer.value.reason });
  return { port: answer.value.port, by: 'llm', ...(answer.value.reason ? { reason: answer.value.reason } : {}) };
}
