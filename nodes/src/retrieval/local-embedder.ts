import type { Embedder } from '../services.js';

/** Words too common to tell texts apart; left out so they do not dominate the vectors. */
const STOPWORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by can could did do does ' +
    'doing down during each few for from further had has have having he her here hers herself him himself his how i if in into is it its itself ' +
    'just me more most my myself no nor not now of off on once only or other our ours ourselves out over own same she should so some such than ' +
    'that the their theirs them themselves then there these they this those through to too under until up very was we were what when where which ' +
    'while who whom why will with would you your yours yourself yourselves'
  ).split(' '),
);

/** Weight of a whole word against one of its character n-grams. */
const WORD_WEIGHT = 1;
const GRAM_WEIGHT = 0.5;

/** Options of {@link createLocalEmbedder}. */
export interface LocalEmbedderOptions {
  /** Vector size; 384 unless set. */
  readonly dimensions?: number;
  /** Character n-gram length; 3 unless set. */
  readonly ngram?: number;
}

/**
 * The offline default embedder: **lexical, not semantic**. It hashes lower-cased words and
 * their character n-grams (`#tide#` → `#ti`, `tid`, `ide`, `de#`) into a fixed number of
 * dimensions with signed feature hashing (a second hash bit picks +1 or −1, so collisions
 * cancel out on average instead of piling up), weights repeated features sub-linearly, and
 * L2-normalises the result. Cosine similarity then measures shared vocabulary and spelling:
 * "tides" is close to "tide", but "car" is not close to "automobile", and there is no notion of
 * meaning, language or word rarity (no IDF). It needs no model, no network, and gives the same
 * vector for the same text on every machine. Configure a model-based embedder for semantic search.
 */
export function createLocalEmbedder(options: LocalEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? 384;
  const n = options.ngram ?? 3;
  if (!Number.isInteger(dimensions) || dimensions < 8 || dimensions > 16_000) throw new RangeError(`dimensions must be an integer from 8 to 16000, not ${dimensions}`);
  if (!Number.isInteger(n) || n < 2 || n > 6) throw new RangeError(`ngram must be an integer from 2 to 6, not ${n}`);
  return {
    id: n === 3 ? `local-hash-${dimensions}` : `local-hash-${dimensions}-n${n}`,
    dimensions,
    embed: async (texts) => texts.map((t) => hashEmbed(t, dimensions, n)),
  };
}

/** The feature-hashed, L2-normalised vector of one text; all zeros when it has no words. */
export function hashEmbed(text: string, dimensions: number, n = 3): number[] {
  const counts = new Map<string, number>();
  const add = (feature: string) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
  for (const word of text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (STOPWORDS.has(word) || (word.length < 2 && !/\p{N}/u.test(word))) continue;
    add(`w:${word}`);
    const padded = [...`#${word}#`];
    for (let i = 0; i + n <= padded.length; i++) add(`g:${padded.slice(i, i + n).join('')}`);
  }
  const v = new Array<number>(dimensions).fill(0);
  for (const [feature, count] of counts) {
    const h = fnv1a(feature);
    const sign = mix(h) & 1 ? -1 : 1;
    // Sub-linear: a word said ten times is not ten times as telling.
    v[h % dimensions]! += sign * (feature.startsWith('w:') ? WORD_WEIGHT : GRAM_WEIGHT) * (1 + Math.log(count));
  }
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  return norm === 0 ? v : v.map((x) => x / norm);
}

/** 32-bit FNV-1a over the UTF-16 code units: fast, stable everywhere. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Murmur3's finaliser: decorrelates the sign bit from the bucket. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
