import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import postgres from 'postgres';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashEmbed, type DocumentInput, type SearchResult, builtinRegistry } from '@weft/nodes/executors';
import type { WorkflowInput } from '@weft/schemas';
import { createApp } from './app.js';
import { createToken } from './auth/tokens.js';
import { knowledgeStore, vectorIndexName, vectorSearchQuery, vectorSupport } from '@weft/store/repositories/knowledge.repository';
import { BACKENDS, testDatabase, type Backend, type TestDatabase } from '@weft/store/testing';
import { runsWithoutTemporal } from './testing/no-temporal.js';
import type { Stack } from './testing/stack.js';
import { useStack } from './testing/suite.js';

// The corpus: short documents on distinct topics, with questions answered by a known one.
const corpusDir = new URL('./testing/corpus/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('corpus.json', corpusDir), 'utf8')) as {
  documents: { file: string; title?: string; metadata: Record<string, string> }[];
  queries: { query: string; expect: string }[];
};
const corpus: DocumentInput[] = manifest.documents.map((d) => {
  const raw = readFileSync(new URL(d.file, corpusDir));
  const content =
    extname(d.file) === '.pdf'
      ? { pdfBase64: raw.toString('base64') }
      : { [{ '.md': 'markdown', '.html': 'html', '.txt': 'text' }[extname(d.file)]!]: raw.toString('utf8') };
  return { ...(d.title ? { title: d.title } : {}), source: `corpus/${d.file}`, metadata: { ...d.metadata, file: d.file }, ...content };
});

/** Whether the PostgreSQL server (when one is used) has pgvector; PGlite always has it. */
async function serverHasPgvector(): Promise<boolean> {
  const url = process.env['DATABASE_URL'];
  if (!url) return false;
  const client = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const rows = await client`select 1 from pg_available_extensions where name = 'vector'`;
    return rows.length > 0;
  } finally {
    await client.end();
  }
}
const pgvectorOnServer = await serverHasPgvector();
const hasVectors = (backend: Backend) => backend === 'pglite' || pgvectorOnServer;
/** Appended to the names of tests that need vectors, so a skip says why. */
const needsVectors = (backend: Backend) => (hasVectors(backend) ? '' : ' (skipped: pgvector is not installed on the PostgreSQL server)');

/** 1-based rank of a file's document among the distinct documents of the results; Infinity if absent. */
function documentRank(results: readonly SearchResult[], file: string): number {
  const docs: string[] = [];
  for (const r of results) if (!docs.includes(r.citation.source!)) docs.push(r.citation.source!);
  const i = docs.indexOf(`corpus/${file}`);
  return i < 0 ? Infinity : i + 1;
}

describe.each(BACKENDS)('collections API on %s', (backend) => {
  let database: TestDatabase;
  let app: ReturnType<typeof createApp>;
  const tokens: Record<string, string> = {};
  const call = async (method: string, path: string, body?: unknown, role = 'editor') => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  beforeAll(async () => {
    database = await testDatabase(backend);
    app = createApp({ db: database.db, registry: builtinRegistry(), runs: runsWithoutTemporal('run_none') });
    for (const role of ['viewer', 'editor'] as const) tokens[role] = (await createToken(database.db, { role })).token;
  });
  afterAll(async () => {
    await database?.close();
  });

  it('has the retrieval tables after migrating, with an embedding column only where pgvector is', async () => {
    const { rows } = await sql<{ name: string }>`select table_name || '.' || column_name as name from information_schema.columns
      where table_schema = current_schema() and table_name in ('collection', 'document', 'chunk')`.execute(database.db);
    const names = rows.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['collection.name', 'document.metadata', 'chunk.tsv', 'chunk.heading']));
    expect(names.includes('chunk.embedding')).toBe(hasVectors(backend));
    expect((await vectorSupport(database.db)).available).toBe(hasVectors(backend));
  });

  it.skipIf(!hasVectors(backend))(`ranks the expected document in the top 3 for every corpus query, by hybrid search${needsVectors(backend)}`, async () => {
    expect((await call('POST', '/api/collections', { name: 'corpus' })).status).toBe(201);
    const ingest = await call('POST', '/api/collections/corpus/documents', { documents: corpus, chunkSize: 600, chunkOverlap: 80 });
    expect(ingest.status).toBe(201);
    expect(ingest.json).toMatchObject({ documents: corpus.length, embedded: true, embedder: 'local-hash-384' });
    expect(ingest.json.chunks).toBeGreaterThan(corpus.length);

    const figures: { query: string; hybrid: number; vector: number; text: number }[] = [];
    for (const { query, expect: file } of manifest.queries) {
      const ranks = { hybrid: 0, vector: 0, text: 0 };
      for (const mode of ['hybrid', 'vector', 'text'] as const) {
        const res = await call('POST', '/api/collections/corpus/search', { query, mode, topK: 10 }, 'viewer');
        expect(res.status).toBe(200);
        ranks[mode] = documentRank(res.json.results, file);
      }
      figures.push({ query, ...ranks });
    }
    // The figures, for the record: rank of the expected document per mode (Infinity = not in the top 10 chunks).
    console.info(`retrieval ranks (${backend}):\n${figures.map((f) => `  hybrid ${f.hybrid}  vector ${f.vector}  text ${f.text}  ${f.query}`).join('\n')}`);
    expect(figures.filter((f) => !(f.hybrid <= 3))).toEqual([]);
  });

  it.skipIf(!hasVectors(backend))(`answers with text, score and a citation, and filters on metadata${needsVectors(backend)}`, async () => {
    const res = await call('POST', '/api/collections/corpus/search', { query: 'who invented the Fresnel lens', topK: 3 }, 'viewer');
    const top = res.json.results[0] as SearchResult;
    expect(top.text).toContain('Fresnel');
    expect(top.score).toBeGreaterThan(0.5);
    expect(top.citation).toMatchObject({ title: 'Lighthouses', source: 'corpus/lighthouses.pdf', page: 2 });
    expect(top.citation.chunkId).toBe(`${top.citation.documentId}:${top.citation.position}`);

    const food = await call('POST', '/api/collections/corpus/search', { query: 'oxidation of leaves and extraction of espresso, feeding a starter', topK: 20, filter: { topic: 'food' } }, 'viewer');
    expect(food.json.results.length).toBeGreaterThan(0);
    expect(new Set(food.json.results.map((r: SearchResult) => r.citation.source))).toEqual(new Set(['corpus/sourdough.md', 'corpus/tea.html', 'corpus/espresso.pdf']));
    const high = await call('POST', '/api/collections/corpus/search', { query: 'Fresnel lens', mode: 'vector', minScore: 0.99 }, 'viewer');
    expect(high.json.results).toEqual([]);
  });

  it.skipIf(!hasVectors(backend))(`finds nearest chunks through the collection's HNSW index (EXPLAIN)${needsVectors(backend)}`, async () => {
    const v = await vectorSupport(database.db);
    const explain = async (collection: { id: string; dimensions: number }, forceIndex: boolean) =>
      database.db.transaction().execute(async (tx) => {
        if (forceIndex) await sql`set local enable_seqscan = off`.execute(tx);
        const query = vectorSearchQuery(v, collection, hashEmbed('tides and the moon', 384), { topK: 5 });
        const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(tx);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
    // The corpus (a few dozen chunks) is cheaper to sort than to walk an index: with the
    // sequential scan forbidden, the plan shows whether the index matches expression and predicate.
    const corpusCollection = (await call('GET', '/api/collections/corpus', undefined, 'viewer')).json;
    expect(await explain(corpusCollection, true)).toContain(`Index Scan using ${vectorIndexName(corpusCollection.id)} on chunk`);

    // At a few thousand chunks the planner picks the index on its own.
    const store = knowledgeStore(database.db);
    const { collection } = await store.ensureCollection({ name: 'many', embedder: 'local-hash-384', dimensions: 384 });
    const chunks = Array.from({ length: 3000 }, (_, i) => {
      const text = `note ${i} on subject ${i % 97}, kind ${i % 13}`;
      return { position: i, heading: null, start: 0, end: text.length, text, metadata: {}, embedding: hashEmbed(text, 384) };
    });
    await store.addDocument(collection.id, { title: 'many notes', source: null, metadata: {}, chunks });
    await sql`analyze chunk`.execute(database.db);
    const plan = await explain(collection, false);
    expect(plan).toContain(`Index Scan using ${vectorIndexName(collection.id)} on chunk`);
    expect(plan).not.toContain(vectorIndexName(corpusCollection.id));
  });

  it('creates, lists, reads and deletes collections and documents, by role', async () => {
    expect((await call('POST', '/api/collections', { name: 'notes' }, 'viewer')).status).toBe(403);
    const created = await call('POST', '/api/collections', { name: 'notes' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'notes', embedder: 'local-hash-384', dimensions: 384, documents: 0, vectors: hasVectors(backend) });
    expect((await call('POST', '/api/collections', { name: 'notes' })).json.error.code).toBe('already_exists');
    expect((await call('POST', '/api/collections', { name: 'other', embedder: 'nope' })).json.error).toMatchObject({ code: 'unknown_embedder', issues: [{ path: '$.embedder' }] });

    const bad = await call('POST', '/api/collections/notes/documents', { documents: [{ title: 'no content' }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues[0].path).toBe('$.documents[0]');
    const ingest = await call('POST', '/api/collections/notes/documents', { documents: [corpus[0], corpus[6]] });
    expect(ingest.status).toBe(201);
    expect(ingest.json).toMatchObject({ collection: 'notes', created: false, documents: 2, embedded: hasVectors(backend) });
    expect((await call('POST', '/api/collections/missing/documents', { documents: [corpus[0]] })).status).toBe(404);

    const listed = await call('GET', '/api/collections', undefined, 'viewer');
    expect(listed.json.items.find((c: { name: string }) => c.name === 'notes')).toMatchObject({ documents: 2, chunks: ingest.json.chunks });
    const docs = await call('GET', '/api/collections/notes/documents', undefined, 'viewer');
    expect(docs.json.items.map((d: { title: string }) => d.title)).toEqual(['Ocean tides', 'Sourdough bread']);
    const [tidesId, breadId] = ingest.json.documentIds as string[];
    const one = await call('GET', `/api/collections/notes/documents/${tidesId}`, undefined, 'viewer');
    expect(one.json.chunks[0]).toMatchObject({ position: 0, heading: 'Ocean tides', start: 0 });

    expect((await call('DELETE', `/api/collections/notes/documents/${breadId}`, undefined, 'viewer')).status).toBe(403);
    expect((await call('DELETE', `/api/collections/notes/documents/${breadId}`)).json).toEqual({ deleted: 1 });
    expect((await call('DELETE', `/api/collections/notes/documents/${breadId}`)).status).toBe(404);
    const search = await call('POST', '/api/collections/notes/search', { query: 'sourdough starter', mode: 'text' }, 'viewer');
    expect(search.json.results.every((r: SearchResult) => r.citation.documentId === tidesId)).toBe(true);

    expect((await call('DELETE', '/api/collections/notes')).json).toEqual({ deleted: true });
    expect((await call('GET', '/api/collections/notes', undefined, 'viewer')).status).toBe(404);
    expect((await call('POST', '/api/collections/notes/search', { query: 'tides' }, 'viewer')).status).toBe(404);
  });

  it('searches full text without pgvector, and answers vector searches with a clear 501 there', async () => {
    await call('POST', '/api/collections', { name: 'plain' });
    await call('POST', '/api/collections/plain/documents', { documents: corpus });
    const text = await call('POST', '/api/collections/plain/search', { query: 'waggle dance of honeybees', mode: 'text' }, 'viewer');
    expect(text.status).toBe(200);
    expect(text.json.results[0].citation.source).toBe('corpus/bees.html');
    expect(text.json.results.some((r: SearchResult) => r.text.includes('never be indexed'))).toBe(false);
    const hybrid = await call('POST', '/api/collections/plain/search', { query: 'waggle dance' }, 'viewer');
    if (hasVectors(backend)) {
      expect(hybrid.status).toBe(200);
    } else {
      expect(hybrid.status).toBe(501);
      expect(hybrid.json.error.code).toBe('pgvector_missing');
      expect(hybrid.json.error.message).toMatch(/^pgvector is not installed on this database/);
    }
  });
});

describe.each(BACKENDS)('retrieval nodes in a run on %s', (backend) => {
  let stack: Stack;
  useStack(backend, (s) => (stack = s));

  const workflow = (mode: string): WorkflowInput => ({
    schemaVersion: 1,
    name: 'Ingest then search',
    nodes: [
      { id: 'start', type: 'control.trigger', position: { x: 0, y: 0 } },
      { id: 'ingest', type: 'retrieval.ingest', params: { collection: `run-kb-${mode}`, chunkSize: 600, chunkOverlap: 80 }, position: { x: 200, y: 0 } },
      { id: 'search', type: 'retrieval.search', params: { collection: `run-kb-${mode}`, query: '{{ $run.input.question }}', topK: 3, mode }, position: { x: 400, y: 0 } },
      { id: 'out', type: 'control.output', params: { value: '{{ $nodes.search.output.results }}' }, position: { x: 600, y: 0 } },
    ],
    edges: [
      { id: 'e1', source: 'start', sourcePort: 'out', target: 'ingest', targetPort: 'in' },
      { id: 'e2', source: 'ingest', sourcePort: 'out', target: 'search', targetPort: 'in' },
      { id: 'e3', source: 'search', sourcePort: 'out', target: 'out', targetPort: 'in' },
    ],
    triggers: [{ type: 'manual' }],
  });

  it.skipIf(!hasVectors(backend))(`ingests the run input and answers its question with citations${needsVectors(backend)}`, async () => {
    const runId = await stack.startRun(await stack.createWorkflow(workflow('hybrid')), { documents: corpus, question: 'how often should I feed my sourdough starter' });
    const run = await stack.waitForRun(runId);
    expect({ status: run.status, error: run.error }).toEqual({ status: 'completed', error: null });
    const results = run.output as SearchResult[];
    expect(results[0]!.citation).toMatchObject({ title: 'Sourdough bread', source: 'corpus/sourdough.md', heading: 'Sourdough bread > Feeding the starter' });
    expect(run.nodes.find((n) => n.id === 'ingest')!.output).toMatchObject({ documents: corpus.length, created: true, embedded: true });
  });

  it('searches full text in a run on any database, and fails a hybrid search for good where pgvector is missing', async () => {
    const text = await stack.waitForRun(await stack.startRun(await stack.createWorkflow(workflow('text')), { documents: corpus, question: 'espresso grind size' }));
    expect(text.status).toBe('completed');
    expect((text.output as SearchResult[])[0]!.citation.source).toBe('corpus/espresso.pdf');
    if (hasVectors(backend)) return;
    const hybrid = await stack.waitForRun(await stack.startRun(await stack.createWorkflow(workflow('hybrid')), { documents: corpus.slice(0, 2), question: 'tides' }));
    const search = hybrid.nodes.find((n) => n.id === 'search')!;
    expect(search).toMatchObject({ status: 'failed', attempts: 1 });
    expect(search.error?.message).toContain('pgvector is not installed on this database');
    // The rollback deleted what the ingest node stored.
    expect(hybrid.status).toBe('rolled_back');
    expect(hybrid.nodes.find((n) => n.id === 'ingest')!.compensation).toMatchObject({ status: 'succeeded', output: { deleted: 2 } });
  });
});
