import { describe, expect, it } from 'vitest';
import { testContext } from '../../testing/context.js';
import { createEmbedders } from '../embedders.js';
import { createMemoryKnowledgeStore } from '../memory-store.js';
import definition from './definition.js';
import { compensate, execute } from './executor.js';

const params = (p: Record<string, unknown>) => definition.params.parse(p);
const setup = (o: { vectors?: boolean; nodeId?: string } = {}) => {
  const knowledge = createMemoryKnowledgeStore(o);
  const embedders = createEmbedders({ local: { dimensions: 64 } });
  return { knowledge, embedders, ctx: testContext({ runId: 'run_1', nodeId: o.nodeId ?? 'ingest', knowledge, embedders }) };
};
const tides = { title: 'Tides', source: 'notes/tides.md', markdown: '# Tides\n\n## Spring\n\nBig range at new moon.\n\n## Neap\n\nSmall range.', metadata: { topic: 'earth' } };

describe('retrieval.ingest', () => {
  it('creates the collection on first use and stores each document with its chunks', async () => {
    const { ctx, knowledge } = setup();
    const out = await execute(ctx, params({ collection: 'notes', documents: [tides, { text: 'Bread needs flour.', metadata: {} }] }), null);
    expect(out).toMatchObject({ collection: 'notes', created: true, embedder: 'local-hash-64', documents: 2, chunks: 3, embedded: true });
    const col = (await knowledge.getCollection('notes'))!;
    expect(col).toMatchObject({ embedder: 'local-hash-64', dimensions: 64 });
    const chunks = await knowledge.listChunks(col.id, out.documentIds[0]!);
    expect(chunks.map((c) => [c.heading, c.text])).toEqual([
      ['Tides > Spring', '# Tides\n\n## Spring\n\nBig range at new moon.'],
      ['Tides > Neap', '## Neap\n\nSmall range.'],
    ]);
    expect(chunks[0]!.metadata).toEqual({ topic: 'earth' });
    const again = await execute({ ...ctx, idempotencyKey: 'run_2:ingest' }, params({ collection: 'notes', documents: [tides] }), null);
    expect(again.created).toBe(false);
  });

  it('takes documents from the input when the params name none', async () => {
    const { ctx } = setup();
    const p = params({ collection: 'c' });
    expect((await execute(ctx, p, [tides, tides])).documents).toBe(2);
    expect((await execute({ ...ctx, idempotencyKey: 'k2' }, p, { documents: [tides] })).documents).toBe(1);
    expect((await execute({ ...ctx, idempotencyKey: 'k3' }, p, tides)).documents).toBe(1);
    await expect(execute(ctx, p, { nothing: true })).rejects.toMatchObject({ type: 'InvalidInput', retryable: false });
  });

  it('keys each document by the node’s idempotency key and its place, the same on every attempt', async () => {
    // The store dedups by key (the database's own test checks that); what the executor owes it is
    // a key that a retry repeats and that no other document or run shares.
    const { ctx, knowledge } = setup();
    const keys: (string | undefined)[] = [];
    const spied = { ...knowledge, addDocument: (collectionId: string, doc: Parameters<typeof knowledge.addDocument>[1]) => (keys.push(doc.key), knowledge.addDocument(collectionId, doc)) };
    const p = params({ collection: 'c', documents: [tides, { text: 'Bread needs flour.', metadata: {} }] });
    await execute({ ...ctx, knowledge: spied }, p, null);
    await execute({ ...ctx, knowledge: spied, attempt: 2 }, p, null);
    await execute({ ...ctx, knowledge: spied, idempotencyKey: 'run_2:ingest' }, p, null);
    expect(keys).toEqual(['run_1:ingest:0', 'run_1:ingest:1', 'run_1:ingest:0', 'run_1:ingest:1', 'run_2:ingest:0', 'run_2:ingest:1']);
  });

  it('refuses to add to a collection with another embedder, and a document without content', async () => {
    const { ctx } = setup();
    await execute(ctx, params({ collection: 'c', documents: [tides] }), null);
    const other = { ...ctx, embedders: createEmbedders({ local: { dimensions: 32 } }) };
    await expect(execute(other, params({ collection: 'c', embedder: 'local', documents: [tides] }), null)).rejects.toMatchObject({ type: 'EmbedderMismatch', retryable: false });
    expect(() => params({ collection: 'c', documents: [{ title: 'empty' }] })).toThrow(/exactly one of text, markdown, html, pdfBase64/);
    await expect(execute(ctx, params({ collection: 'c', documents: [{ text: '   ' }] }), null)).rejects.toMatchObject({ type: 'InvalidDocument' });
  });

  it('stores chunks without vectors on a database without pgvector', async () => {
    const { ctx } = setup({ vectors: false });
    expect(await execute(ctx, params({ collection: 'c', documents: [tides] }), null)).toMatchObject({ documents: 1, embedded: false });
  });

  it('deletes the documents it added when the run rolls back', async () => {
    const { ctx, knowledge } = setup();
    const p = params({ collection: 'c', documents: [tides] });
    await execute({ ...ctx, idempotencyKey: 'other' }, p, null);
    const out = await execute(ctx, p, null);
    expect(definition.compensates!(p)).toBe(true);
    expect(definition.compensates!(params({ collection: 'c', undoOnRollback: false }))).toBe(false);
    expect(await compensate(ctx, p, out)).toEqual({ deleted: 1 });
    expect(await knowledge.listDocuments((await knowledge.getCollection('c'))!.id)).toHaveLength(1);
    expect(await compensate(ctx, p, out)).toEqual({ deleted: 0 });
  });
});
