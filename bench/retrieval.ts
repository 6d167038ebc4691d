// Retrieval on embedded PGlite with pgvector: loads synthetic chunks into one collection through
// the knowledge repository, builds the collection's HNSW index, then times top-10 vector searches
// and hybrid searches through the product's search pipeline and measures recall@10 against an
// exact scan of the same vectors. A benchmark, not a test: it never fails on a number.
//   npx tsx bench/run.ts retrieval
//   WEFT_BENCH_CHUNKS=20000 npx tsx bench/run.ts retrieval    (a smaller run while developing)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchCollection, type Embedder, type NewChunk, type NewDocument, type SearchResult } from '@weft/nodes/executors';
import { openDatabase } from '@weft/store';
import { addDocuments, HNSW, indexBuildMemoryMb, knowledgeStore } from '@weft/store/repositories/knowledge.repository';
import { median, quantile, round, type Benchmark } from './lib/suite.js';

const CHUNKS = Number(process.env['WEFT_BENCH_CHUNKS'] ?? 100_000);
const DIMENSIONS = 384;
/** About a hundred chunks a cluster, in topics of twenty clusters. */
const CLUSTERS = Math.max(10, Math.round(CHUNKS / 100));
const CLUSTERS_PER_TOPIC = 20;
const CHUNKS_PER_DOCUMENT = 20;
const QUERIES = 200;
/** Searches before the timed ones, so these find the index in shared buffers, as a running server does. */
const WARMUP = 100;
const TOP_K = 10;
/** Documents ingested one at a time at the end, into the indexed collection. */
const LATER_DOCUMENTS = 50;
const GOALS = { p95Ms: 10, recall: 0.95 };
const SEED = 0x5eed;

/** mulberry32: a small seeded PRNG, so every run searches the same data. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  let spare: number | undefined;
  /** Standard normal, by Box–Muller (two at a time). */
  const gauss = () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const phi = 2 * Math.PI * next();
    spare = r * Math.sin(phi);
    return r * Math.cos(phi);
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, gauss, int };
}
type Prng = ReturnType<typeof prng>;

/** Scales `v` to unit length, rounded to float4 as pgvector stores it. */
function normalise(v: Float32Array | Float64Array, out: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  const s = 1 / Math.sqrt(n);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * s;
  return out;
}

function gaussian(r: Prng, d: number): Float64Array {
  const v = new Float64Array(d);
  for (let i = 0; i < d; i++) v[i] = r.gauss();
  return v;
}

/**
 * Embedding-shaped data: topic directions; cluster centroids near their topic; points near
 * their centroid, with noise whose variance falls off over dimensions (in a per-cluster order),
 * as real embeddings put most of their variance in few directions.
 */
function space(r: Prng) {
  const topics = Array.from({ length: Math.ceil(CLUSTERS / CLUSTERS_PER_TOPIC) }, () => normalise(gaussian(r, DIMENSIONS), new Float32Array(DIMENSIONS)));
  const centroids = Array.from({ length: CLUSTERS }, (_, c) => {
    const topic = topics[Math.floor(c / CLUSTERS_PER_TOPIC)]!;
    const g = normalise(gaussian(r, DIMENSIONS), new Float32Array(DIMENSIONS));
    const v = new Float64Array(DIMENSIONS);
    for (let i = 0; i < DIMENSIONS; i++) v[i] = topic[i]! + 0.9 * g[i]!;
    return normalise(v, new Float32Array(DIMENSIONS));
  });
  // Noise scale per dimension, decaying as 1/sqrt(rank), and each cluster's own order of dimensions.
  const spectrum = Float64Array.from({ length: DIMENSIONS }, (_, i) => 0.11 / Math.sqrt(1 + i / 8));
  const orders = centroids.map(() => {
    const p = Array.from({ length: DIMENSIONS }, (_, i) => i);
    for (let i = p.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  });
  /** A point of cluster `c`, written into `out`. */
  const point = (c: number, out: Float32Array) => {
    const centroid = centroids[c]!;
    const order = orders[c]!;
    const v = new Float64Array(DIMENSIONS);
    for (let i = 0; i < DIMENSIONS; i++) v[order[i]!] = centroid[order[i]!]! + spectrum[i]! * r.gauss();
    return normalise(v, out);
  };
  return { point };
}

/** Made-up words (so no stop word or stemming collision matters), a vocabulary per cluster. */
function vocabulary(r: Prng) {
  const consonants = 'bdfgklmnprstvz';
  const vowels = 'aeiou';
  const words = new Set<string>();
  while (words.size < 6000) {
    let w = '';
    for (let s = 0, n = 2 + r.int(3); s < n; s++) w += consonants[r.int(consonants.length)]! + vowels[r.int(vowels.length)]!;
    words.add(w);
  }
  const all = [...words];
  const pick = (n: number) => Array.from({ length: n }, () => all[r.int(all.length)]!);
  const topicWords = Array.from({ length: Math.ceil(CLUSTERS / CLUSTERS_PER_TOPIC) }, () => pick(10));
  const clusterWords = Array.from({ length: CLUSTERS }, (_, c) => [...topicWords[Math.floor(c / CLUSTERS_PER_TOPIC)]!, ...pick(20)]);
  /** A chunk's text: mostly its cluster's words, some from anywhere. */
  const text = (c: number, words: number) => Array.from({ length: words }, () => (r.next() < 0.7 ? clusterWords[c]![r.int(clusterWords[c]!.length)]! : all[r.int(all.length)]!)).join(' ');
  /** A query: a few of a cluster's own words. */
  const query = (c: number) => Array.from({ length: 3 }, () => clusterWords[c]![10 + r.int(20)]!).join(' ');
  return { text, query };
}

const DATA_NOTE =
  `synthetic, embedding-shaped: ${CHUNKS.toLocaleString('en-US')} chunks × ${DIMENSIONS} dimensions in ${CLUSTERS} clusters (${CLUSTERS_PER_TOPIC} a topic), ` +
  `each point its centroid plus gaussian noise falling off over dimensions, normalised; queries are fresh draws from random clusters, not copies of stored chunks; ` +
  `chunk texts ~50 made-up words, 70% from their cluster's vocabulary; seeded, so every run has the same data`;

/** A vector as the plain numbers an embedder hands the store. */
function toNumbers(v: Float32Array): number[] {
  return Array.from(v);
}

/** The exact top-k by cosine similarity (dot product of unit vectors), by scanning every vector. */
function exactTopK(all: Float32Array, count: number, q: Float32Array, k: number): number[] {
  const best: { i: number; s: number }[] = [];
  for (let i = 0; i < count; i++) {
    let s = 0;
    const o = i * DIMENSIONS;
    for (let j = 0; j < DIMENSIONS; j++) s += all[o + j]! * q[j]!;
    if (best.length < k || s > best[best.length - 1]!.s) {
      let at = best.length;
      while (at > 0 && best[at - 1]!.s < s) at--;
      best.splice(at, 0, { i, s });
      if (best.length > k) best.pop();
    }
  }
  return best.map((b) => b.i);
}

const retrieval: Benchmark = {
  name: 'retrieval',
  title: 'Retrieval (PGlite + pgvector)',
  async run(log) {
    const r = prng(SEED);
    const { point } = space(r);
    const words = vocabulary(r);
    const dir = mkdtempSync(join(tmpdir(), 'weft-bench-retrieval-'));
    const open = await openDatabase({ kind: 'pglite', dataDir: dir });
    try {
      const store = knowledgeStore(open.db);
      const { collection } = await store.ensureCollection({ name: 'bench', embedder: 'bench-384', dimensions: DIMENSIONS });

      // Data, generated up front so the load times only the database.
      const vectors = new Float32Array(CHUNKS * DIMENSIONS);
      const documents: NewDocument[] = [];
      for (let d = 0; d * CHUNKS_PER_DOCUMENT < CHUNKS; d++) {
        // A document keeps to one cluster, as a document keeps to its subject.
        const c = r.int(CLUSTERS);
        const chunks: NewChunk[] = [];
        for (let p = 0; p < CHUNKS_PER_DOCUMENT && d * CHUNKS_PER_DOCUMENT + p < CHUNKS; p++) {
          const i = d * CHUNKS_PER_DOCUMENT + p;
          const v = point(c, vectors.subarray(i * DIMENSIONS, (i + 1) * DIMENSIONS));
          const text = words.text(c, 40 + r.int(20));
          chunks.push({ position: p, heading: null, start: 0, end: text.length, text, metadata: {}, embedding: toNumbers(v) });
        }
        documents.push({ title: `document ${d}`, source: null, metadata: { cluster: c }, chunks });
      }
      const queries = Array.from({ length: WARMUP + QUERIES }, () => {
        const c = r.int(CLUSTERS);
        return { vector: toNumbers(point(c, new Float32Array(DIMENSIONS))), text: words.query(c) };
      });
      // Documents ingested one by one after the searches, into the indexed collection.
      const later = Array.from({ length: LATER_DOCUMENTS }, (_, d): NewDocument => {
        const c = r.int(CLUSTERS);
        const chunks = Array.from({ length: CHUNKS_PER_DOCUMENT }, (_, p): NewChunk => {
          const text = words.text(c, 40 + r.int(20));
          return { position: p, heading: null, start: 0, end: text.length, text, metadata: {}, embedding: toNumbers(point(c, new Float32Array(DIMENSIONS))) };
        });
        return { title: `later ${d}`, source: null, metadata: { cluster: c }, chunks };
      });
      log(`generated ${CHUNKS.toLocaleString('en-US')} chunks in ${documents.length} documents, ${queries.length} queries`);

      // The bulk load: chunks first, then the index over all of them (the repository's choice for
      // a load that at least doubles a collection); the progress it reports splits the two.
      let t = performance.now();
      let loadS = Number.NaN;
      let lastLog = t;
      const stored = await addDocuments(open.db, collection.id, documents, {
        onProgress: (p) => {
          const now = performance.now();
          if (p.phase === 'index') {
            loadS = (now - t) / 1000;
            log(`loaded in ${loadS.toFixed(1)} s; building the index`);
            t = now;
          } else if (now - lastLog > 15_000) {
            log(`  ${p.chunks.toLocaleString('en-US')} chunks, ${((now - t) / 1000).toFixed(0)} s`);
            lastLog = now;
          }
        },
      });
      const buildS = (performance.now() - t) / 1000;
      log(`index built in ${buildS.toFixed(1)} s`);
      const indexOfChunk = new Map<string, number>();
      stored.forEach((doc, d) => {
        for (let p = 0; p < doc.chunks; p++) indexOfChunk.set(`${doc.id}:${p}`, d * CHUNKS_PER_DOCUMENT + p);
      });
      const documentCount = documents.length;
      // Hundreds of megabytes of vectors as JS numbers: dropped, so the collector does not stop the searches to walk them.
      documents.length = 0;

      // Searches through the pipeline, with an embedder that hands back each query's vector.
      let current: number[] = [];
      const embedder: Embedder = { id: 'bench-384', dimensions: DIMENSIONS, embed: async (texts) => texts.map(() => current) };
      const services = { knowledge: store, embedders: { get: () => embedder, names: () => ['bench'] } };
      const search = async (mode: 'vector' | 'hybrid', q: { vector: number[]; text: string }) => {
        current = q.vector;
        const start = performance.now();
        const cpu = process.cpuUsage();
        const { results } = await searchCollection(services, { collection: 'bench', query: q.text, topK: TOP_K, mode });
        const used = process.cpuUsage(cpu);
        return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, results };
      };

      const vectorMs: number[] = [];
      const vectorCpuMs: number[] = [];
      const found: SearchResult[][] = [];
      for (const [i, q] of queries.entries()) {
        const { ms, cpuMs, results } = await search('vector', q);
        if (i >= WARMUP) {
          vectorMs.push(ms);
          vectorCpuMs.push(cpuMs);
          found.push(results);
        }
      }
      const hybridMs: number[] = [];
      const hybridCpuMs: number[] = [];
      for (const [i, q] of queries.entries()) {
        const { ms, cpuMs } = await search('hybrid', q);
        if (i >= WARMUP) {
          hybridMs.push(ms);
          hybridCpuMs.push(cpuMs);
        }
      }
      // PGlite runs on this thread: its CPU time is the work, whatever else the machine runs.
      log(`vector CPU time p50 ${median(vectorCpuMs).toFixed(2)} ms, p95 ${quantile(vectorCpuMs, 0.95).toFixed(2)} ms; hybrid p50 ${median(hybridCpuMs).toFixed(2)} ms, p95 ${quantile(hybridCpuMs, 0.95).toFixed(2)} ms`);

      t = performance.now();
      const recalls = queries.slice(WARMUP).map((q, i) => {
        const exact = new Set(exactTopK(vectors, CHUNKS, Float32Array.from(q.vector), TOP_K));
        return found[i]!.filter((h) => exact.has(indexOfChunk.get(h.citation.chunkId)!)).length / TOP_K;
      });
      const recall = recalls.reduce((a, b) => a + b, 0) / recalls.length;
      log(`exact scans for recall in ${((performance.now() - t) / 1000).toFixed(1)} s`);

      // Ingest as the retrieval.ingest node stores documents: one at a time, each chunk going into the graph.
      t = performance.now();
      for (const doc of later) await store.addDocument(collection.id, doc);
      const ingestMsPerChunk = (performance.now() - t) / (LATER_DOCUMENTS * CHUNKS_PER_DOCUMENT);
      log(`ingested ${LATER_DOCUMENTS * CHUNKS_PER_DOCUMENT} more chunks document by document, ${ingestMsPerChunk.toFixed(2)} ms a chunk`);

      const searchNote =
        `${QUERIES} top-${TOP_K} searches through the search pipeline (as the retrieval.search node runs them) after ${WARMUP} warm-up searches; ` +
        `wall-clock, so whatever else the machine runs shows (CPU time of the searches is in the details)`;
      return {
        figures: [
          { name: 'load', value: loadS, unit: 's', note: `${CHUNKS.toLocaleString('en-US')} chunks in ${documentCount} documents through the repository's bulk path (multi-row inserts, vectors in binary); ${DATA_NOTE}` },
          { name: 'index build', value: buildS, unit: 's', note: `HNSW over all chunks, then the full-text index's pending entries merged and ANALYZE` },
          { name: 'vector p50', value: median(vectorMs), unit: 'ms', note: searchNote },
          { name: 'vector p95', value: quantile(vectorMs, 0.95), unit: 'ms', goal: { op: '<=', value: GOALS.p95Ms } },
          { name: 'recall@10', value: recall, unit: '', goal: { op: '>=', value: GOALS.recall }, note: 'share of the exact top 10 (by a scan over the same float4 vectors in JS) that the vector search returned, averaged over the queries' },
          { name: 'hybrid p50', value: median(hybridMs), unit: 'ms', note: `the vector list and the full-text list (every chunk holding any of the words, ranked by ts_rank_cd), each deeper than the top ${TOP_K}, fused by reciprocal rank; the query text is three words of the query's cluster` },
          { name: 'hybrid p95', value: quantile(hybridMs, 0.95), unit: 'ms' },
          { name: 'ingest into the index', value: ingestMsPerChunk, unit: 'ms/chunk', note: `${LATER_DOCUMENTS} more documents of ${CHUNKS_PER_DOCUMENT} chunks stored one by one (the ingest path) into the indexed collection` },
          { name: 'hnsw m', value: HNSW.m, unit: '', note: 'index settings, as the repository builds and searches every collection' },
          { name: 'hnsw ef_construction', value: HNSW.efConstruction, unit: '' },
          { name: 'hnsw.ef_search', value: Math.max(HNSW.efSearch, TOP_K), unit: '', note: 'set for the search transaction only' },
          { name: 'maintenance_work_mem', value: indexBuildMemoryMb(CHUNKS, DIMENSIONS), unit: 'MB', note: 'raised for the index build only' },
        ],
        details: {
          chunks: CHUNKS,
          dimensions: DIMENSIONS,
          clusters: CLUSTERS,
          queries: QUERIES,
          seed: SEED,
          cpuMs: { vectorP50: median(vectorCpuMs), vectorP95: quantile(vectorCpuMs, 0.95), hybridP50: median(hybridCpuMs), hybridP95: quantile(hybridCpuMs, 0.95) },
          vectorMs: vectorMs.map(round),
          hybridMs: hybridMs.map(round),
          recalls,
          minRecall: Math.min(...recalls),
        },
      };
    } finally {
      await open.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default retrieval;
