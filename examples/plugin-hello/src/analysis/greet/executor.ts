import type { Execute } from '@weft/nodes';
import type definition from './definition.js';

/** Puts the greeting and the name together. */
export const execute: Execute<typeof definition> = async (ctx, params) => {
  const text = `${params.greeting}, ${params.name}!`;
  ctx.log.debug('greeted', { name: params.name });
  return { text };
};
