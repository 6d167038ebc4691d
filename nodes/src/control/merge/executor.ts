import type { Execute } from '../../context.js';
import type definition from './definition.js';

/** The engine has already joined the inputs; the merge passes them on. */
export const execute: Execute<typeof definition> = async (_ctx, _params, input) => input;
