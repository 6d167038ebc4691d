import { sql } from 'kysely';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewChunk, NewDocument } from '@weft/nodes/executors';
import { BACKENDS, testDatabase, type Backend, type TestDatabase } from '../testing/databases.js';
import { addDocuments, ensureCollection, HNSW, listChunks, searchText, searchVector, textSearchQuery, vectorIndexName, vectorSearchQuery, vectorSupport } from './knowledge.repository.js';

const DIMENSIONS = 8;
/** Enough chunks for a bulk load to rebuild the index rather than update it. */
const BULK = 10_000;
/** Time a bulk load of them may take on a busy machine. */
const BULK_MS = 120_000;

/** A deterministic unit vector per number, spread around the sphere. */
function unit(i: number): number[] {
  const v = Array.from({ length: DIMENSIONS }, (_, j) => Math.sin((i + 1) * (j + 1) * 0.7) + Math.cos(i * 0.13 + j));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function chunk(position: number, text: string, embedding?: number[]): NewChunk {
  return { position, heading: null, start: 0, end: text.length, text, metadata: {}, ...(embedding ? { embedding } : {}) };
}

/** `count` documents of ten chunks each; chunk `i` overall has vector `unit(i)` and the word `topic<i % 50>`. */
function documents(count: number, withVectors: boolean): NewDocument[] {
  return Array.from({ length: count }, (_, d) => ({
    title: `document ${d}`,
    source: null,
    metadata: {},
    chunks: Array.from({ length: 10 }, (_, p) => chunk(p, `note ${d * 10 + p} about topic${(d * 10 + p) % 50}`, withVectors ? unit(d * 10 + p) : undefined)),
  }));
}

/** Whether the PostgreSQL server (when one is used) has pgvector; PGlite always has it. */
async function serverHasPgvector(): Promise<boolean> {
  const url = process.env['DATABASE_URL'];
  if (!url) return false;
  const client = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    return (await client`select 1 from pg_available_extensions where name = 'vector'`).length > 0;
  } finally {
    await client.end();
  }
}
const pgvectorOnServer = await serverHasPgvector();
const hasVectors = (backend: Backend) => backend === 'pglite' || pgvectorOnServer;
/** Appended to the names of tests that need vectors, so a skip says why. */
const needsVectors = (backend: Backend) => (hasVectors(backend) ? '' : ' (skipped: pgvector is not installed on the PostgreSQL server)');

describe.each(BACKENDS)('knowledge repository on %s', (backend) => {
  let database: TestDatabase;
  const vectors = hasVectors(backend);

  beforeAll(async () => {
    database = await testDatabase(backend);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('stores many documents at once, and a document whose key is taken stands for itself', async () => {
    const { collection } = await ensureCollection(database.db, { name: 'keys', embedder: 'test', dimensions: DIMENSIONS });
    const doc = (key: string, text: string): NewDocument => ({ key, title: key, source: null, metadata: { key }, chunks: [chunk(0, text), chunk(1, `${text} again`)] });
    const first = await addDocuments(database.db, collection.id, [doc('a', 'alpha'), doc('b', 'beta')]);
    const second = await addDocuments(database.db, collection.id, [doc('b', 'other'), doc('c', 'gamma'), doc('c', 'twice in one load')]);
    expect(second[0]).toEqual(first[1]);
    expect(second[2]).toEqual(second[1]);
    expect(second.map((d) => d.title)).toEqual(['b', 'c', 'c']);
    expect((await listChunks(database.db, collection.id, second[1]!.id)).map((c) => c.text)).toEqual(['gamma', 'gamma again']);
    expect((await searchText(database.db, collection.id, 'other', { topK: 5 })).length).toBe(0);
  });

  it('keeps a GIN pending list short, so that full-text searches do not read through thousands of new entries', async () => {
    const { rows } = await sql<{ options: string[] }>`select reloptions as options from pg_class where relname = 'chunk_tsv_idx' and relnamespace = current_schema()::regnamespace`.execute(database.db);
    expect(rows[0]?.options).toContain('gin_pending_list_limit=256');
  });

  it.skipIf(!vectors)(`keeps vectors exactly as float4 values${needsVectors(backend)}`, async () => {
    const { collection } = await ensureCollection(database.db, { name: 'exact', embedder: 'test', dimensions: 4 });
    const embedding = [0.1, -1 / 3, 12345.678, 1e-7];
    const [doc] = await addDocuments(database.db, collection.id, [{ title: null, source: null, metadata: {}, chunks: [chunk(0, 'exact', embedding)] }]);
    const { rows } = await sql<{ embedding: string }>`select embedding::text as embedding from chunk where document_id = ${doc!.id}`.execute(database.db);
    expect((JSON.parse(rows[0]!.embedding) as number[]).map(Math.fround)).toEqual(embedding.map(Math.fround));
  });

  describe('a bulk load', () => {
    let collectionId = '';
    beforeAll(async () => {
      const { collection } = await ensureCollection(database.db, { name: 'bulk', embedder: 'test', dimensions: DIMENSIONS });
      collectionId = collection.id;
      const phases: string[] = [];
      await addDocuments(database.db, collectionId, documents(BULK / 10, vectors), { onProgress: (p) => phases.push(p.phase) });
      expect(phases.at(-1)).toBe(vectors ? 'index' : 'load');
    }, BULK_MS);

    it.skipIf(!vectors)(`builds the collection index after it, with the tuned settings${needsVectors(backend)}`, async () => {
      const { rows } = await sql<{ options: string[] }>`select reloptions as options from pg_class where relname = ${vectorIndexName(collectionId)}`.execute(database.db);
      expect(rows[0]?.options).toEqual([`m=${HNSW.m}`, `ef_construction=${HNSW.efConstruction}`]);
      // The nearest chunk to a stored vector is its own.
      for (const i of [0, 4321, BULK - 1]) {
        const [hit] = await searchVector(database.db, collectionId, unit(i), { topK: 1 });
        expect(hit?.text).toMatch(new RegExp(`^note ${i} `));
      }
    });

    it('leaves the planner searching through the indexes: HNSW for vectors, GIN for words', async () => {
      const plan = async (query: ReturnType<typeof textSearchQuery>) => (await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(database.db)).rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(await plan(textSearchQuery(collectionId, 'topic7 | topic8', { topK: 40 }))).toContain('Bitmap Index Scan on chunk_tsv_idx');
      if (!vectors) return;
      const v = await vectorSupport(database.db);
      expect(await plan(vectorSearchQuery(v, { id: collectionId, dimensions: DIMENSIONS }, unit(7), { topK: 10 }))).toContain(`Index Scan using ${vectorIndexName(collectionId)} on chunk`);
    });

    it.skipIf(!vectors)(`that fails stores nothing, and the collection keeps its index${needsVectors(backend)}`, async () => {
      const { collection } = await ensureCollection(database.db, { name: 'failing', embedder: 'test', dimensions: DIMENSIONS });
      const docs = documents(BULK / 10, true);
      const last = docs.at(-1)!;
      docs[docs.length - 1] = { ...last, chunks: [...last.chunks.slice(0, 9), chunk(9, 'broken', unit(1).map(() => Number.NaN))] };
      await expect(addDocuments(database.db, collection.id, docs)).rejects.toThrow(/not a finite number/);
      const { rows } = await sql<{ n: string }>`select count(*) as n from chunk where collection_id = ${collection.id}`.execute(database.db);
      expect(Number(rows[0]!.n)).toBe(0);
      const index = await sql`select 1 from pg_class where relname = ${vectorIndexName(collection.id)}`.execute(database.db);
      expect(index.rows.length).toBe(1);
    }, BULK_MS);
  });
});
