import { z } from 'zod';
import { defineNode } from '../../define-node.js';
import { CollectionName, MetadataFilter, SearchMode, SearchResult } from '../schemas.js';

/** Finds the chunks of a knowledge collection that best answer a query, with citations. */
export default defineNode({
  type: 'retrieval.search',
  kind: 'retrieval',
  version: 1,
  title: 'Search knowledge',
  description:
    'Searches a knowledge collection by vector and full text (fused by reciprocal rank), or by either alone. Each result has its text, score and a citation (document, chunk, position, heading).',
  icon: 'search',
  inputs: ['in'],
  outputs: ['out'],
  params: z
    .object({
      collection: CollectionName.meta({ title: 'Collection', description: 'The collection to search' }),
      query: z.string().min(1).max(10_000).meta({ title: 'Query', description: 'Expressions allowed, e.g. {{ $input.question }}' }),
      topK: z.number().int().min(1).max(100).default(5).meta({ title: 'Results', description: 'How many results at most' }),
      minScore: z.number().min(-1).max(1).default(0).meta({ title: 'Minimum score', description: 'hybrid: fused rank score 0–1 (1 = first in both lists); vector: cosine similarity; text: text rank 0–1' }),
      filter: MetadataFilter.optional(),
      mode: SearchMode.default('hybrid'),
    })
    .strict(),
  output: z.object({ results: z.array(SearchResult) }),
  policy: { timeout: '1m', maxAttempts: 3, initialInterval: '1s', backoff: 2 },
});
