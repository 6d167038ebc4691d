import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedders, ingestDocuments } from '@weft/nodes/executors';
import { testDatabase, type TestDatabase } from '../testing/databases.js';
import { knowledgeStore } from './knowledge.repository.js';

// The ingest pipeline over the database's store, as a worker runs it: a retried attempt (same
// idempotency key) must find what the first stored. PGlite only: the key's uniqueness is the
// same SQL on both backends, which the repository's own tests run on each.
describe('an ingest retried with the same key, on the database', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabase('pglite');
  });
  afterAll(async () => {
    await database?.close();
  });

  it('stores each document once, and another key stores them again', async () => {
    const services = { knowledge: knowledgeStore(database.db), embedders: createEmbedders({ local: { dimensions: 64 } }), heartbeat: () => undefined };
    const documents = [
      { title: 'Tides', markdown: '# Tides\n\nThe Moon pulls the ocean.', metadata: {} },
      { text: 'Bread needs flour.', metadata: {} },
    ];
    const ingest = (key: string) => ingestDocuments(services, { collection: 'notes', documents, key });
    const first = await ingest('run_1:ingest');
    const retry = await ingest('run_1:ingest');
    expect(retry.documentIds).toEqual(first.documentIds);
    const collection = (await services.knowledge.getCollection('notes'))!;
    expect(await services.knowledge.listDocuments(collection.id)).toHaveLength(2);
    const other = await ingest('run_2:ingest');
    expect(other.documentIds.filter((id) => first.documentIds.includes(id))).toEqual([]);
    expect(await services.knowledge.listDocuments(collection.id)).toHaveLength(4);
  });
});
