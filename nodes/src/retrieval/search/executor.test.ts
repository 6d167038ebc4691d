import { beforeAll, describe, expect, it } from 'vitest';
import type { NodeContext } from '../../context.js';
import { testContext } from '../../testing/context.js';
import { createEmbedders } from '../embedders.js';
import { createMemoryKnowledgeStore } from '../memory-store.js';
import { ingestDocuments } from '../pipeline.js';
import definition from './definition.js';
import { execute } from './executor.js';

const params = (p: Record<string, unknown>) => definition.params.parse(p);
const docs = [
  { title: 'Tides', source: 'tides.md', markdown: '# Tides\n\nThe Moon pulls the ocean into two bulges: high tide twice a day.', metadata: { topic: 'earth' } },
  { title: 'Bread', source: 'bread.txt', text: 'Feed the sourdough starter with flour and water every day.', metadata: { topic: 'food' } },
  { title: 'Tea', source: 'tea.html', html: '<h1>Tea</h1><p>Oolong leaves oxidise partly before firing.</p>', metadata: { topic: 'food' } },
];

async function contextWith(vectors: boolean): Promise<NodeContext> {
  const knowledge = createMemoryKnowledgeStore({ vectors });
  const embedders = createEmbedders();
  await ingestDocuments({ knowledge, embedders }, { collection: 'kb', documents: docs });
  return testContext({ knowledge, embedders });
}

describe('retrieval.search', () => {
  let ctx: NodeContext;
  beforeAll(async () => {
    ctx = await contextWith(true);
  });

  it('finds the document that answers the query first, with a citation', async () => {
    const { results } = await execute(ctx, params({ collection: 'kb', query: 'when is high tide' }));
    expect(results[0]).toMatchObject({
      text: '# Tides\n\nThe Moon pulls the ocean into two bulges: high tide twice a day.',
      citation: { title: 'Tides', source: 'tides.md', position: 0, start: 0, heading: 'Tides' },
    });
    expect(results[0]!.citation.chunkId).toBe(`${results[0]!.citation.documentId}:0`);
    // First in both lists: the best fused score there is.
    expect(results[0]!.score).toBeCloseTo(1, 10);
    expect(results.length).toBeLessThanOrEqual(5);
  });

  it('searches by vector or by text alone, and keeps to topK', async () => {
    for (const mode of ['vector', 'text'] as const) {
      const { results } = await execute(ctx, params({ collection: 'kb', query: 'sourdough starter flour', mode, topK: 1 }));
      expect(results.map((r) => r.citation.title)).toEqual(['Bread']);
    }
  });

  it('filters on metadata and drops results under the minimum score', async () => {
    const food = await execute(ctx, params({ collection: 'kb', query: 'tide moon oolong sourdough', filter: { topic: 'food' } }));
    expect(new Set(food.results.map((r) => r.citation.title))).toEqual(new Set(['Bread', 'Tea']));
    const strict = await execute(ctx, params({ collection: 'kb', query: 'tide moon', mode: 'vector', minScore: 0.99 }));
    expect(strict.results).toEqual([]);
  });

  it('fails for good on a missing collection', async () => {
    await expect(execute(ctx, params({ collection: 'nope', query: 'x' }))).rejects.toMatchObject({ type: 'CollectionNotFound', retryable: false });
  });

  it('without pgvector: full text works, vector and hybrid fail with a clear error', async () => {
    const noVectors = await contextWith(false);
    const { results } = await execute(noVectors, params({ collection: 'kb', query: 'oolong', mode: 'text' }));
    expect(results[0]!.citation.title).toBe('Tea');
    for (const mode of ['hybrid', 'vector'] as const) {
      await expect(execute(noVectors, params({ collection: 'kb', query: 'oolong', mode }))).rejects.toMatchObject({
        type: 'PgvectorMissing',
        retryable: false,
        message: expect.stringContaining('pgvector is not installed on this database'),
      });
    }
  });
});
