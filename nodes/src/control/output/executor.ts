import type { Execute } from '../../context.js';
import type definition from './definition.js';

/** Returns `value` (already resolved) or the input. */
export const execute: Execute<typeof definition> = async (_ctx, params, input) =>
  params.value === undefined ? input : params.value;
