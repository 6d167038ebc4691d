import { ExpressionError } from '@weft/schemas';
import { NodeError, type Execute } from '../../context.js';
import { routed } from '../../define-node.js';
import type definition from './definition.js';

/** Evaluates the condition: exactly `true` goes out of `true`, anything else out of `false`. */
export const execute: Execute<typeof definition> = async (ctx, params, input) => {
  try {
    const value = await ctx.sandbox.evaluate(params.condition, ctx.scope);
    return routed(value === true ? 'true' : 'false', input);
  } catch (e) {
    if (e instanceof ExpressionError) throw new NodeError(e.type, e.message, false);
    throw e;
  }
};
