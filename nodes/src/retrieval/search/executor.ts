import type { Execute } from '../../context.js';
import { searchCollection } from '../pipeline.js';
import type definition from './definition.js';

/** Searches; a missing collection or a database without pgvector (for vector modes) fails for good. */
export const execute = (async (ctx, params) =>
  searchCollection(
    { knowledge: ctx.knowledge, embedders: ctx.embedders, signal: ctx.signal },
    { collection: params.collection, query: params.query, topK: params.topK, minScore: params.minScore, mode: params.mode, ...(params.filter ? { filter: params.filter } : {}) },
  )) satisfies Execute<typeof definition>;
