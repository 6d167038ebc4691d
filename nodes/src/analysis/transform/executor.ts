import { ExpressionError } from '@weft/schemas';
import { NodeError, type Execute } from '../../context.js';
import type definition from './definition.js';

/** Evaluates the expression; a failing expression fails for good (a retry gives the same result). */
export const execute: Execute<typeof definition> = async (ctx, params) => {
  try {
    return (await ctx.sandbox.evaluate(params.expression, ctx.scope, params.timeoutMs)) ?? null;
  } catch (e) {
    if (e instanceof ExpressionError) throw new NodeError(e.type, e.message, false);
    throw e;
  }
};
