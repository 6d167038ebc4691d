import type { Execute } from '../../context.js';
import type definition from './definition.js';

/** Passes the run input on. */
export const execute: Execute<typeof definition> = async (ctx) => ctx.scope.run['input'];
