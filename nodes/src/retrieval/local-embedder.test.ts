import { describe, expect, it } from 'vitest';
import { createLocalEmbedder, hashEmbed } from './local-embedder.js';

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const norm = (v: number[]) => Math.sqrt(cosine(v, v));

describe('local hashing embedder', () => {
  const embedder = createLocalEmbedder();

  it('is named by its size and gives 384 dimensions by default', async () => {
    expect(embedder.id).toBe('local-hash-384');
    expect(embedder.dimensions).toBe(384);
    const [v] = await embedder.embed(['tides and the moon']);
    expect(v).toHaveLength(384);
    expect(createLocalEmbedder({ dimensions: 64 }).id).toBe('local-hash-64');
  });

  it('gives the same vector for the same text, from any instance', async () => {
    const text = 'The Moon raises two tidal bulges.';
    const [a] = await embedder.embed([text]);
    const [b] = await createLocalEmbedder().embed([text]);
    expect(a).toEqual(b);
    // Pinned: a change to the hashing would silently invalidate every stored collection.
    const v = hashEmbed('tide', 384);
    const nonZero = v.flatMap((x, i) => (x === 0 ? [] : [`${i}${x > 0 ? '+' : '-'}`]));
    expect(nonZero).toMatchInlineSnapshot(`
      [
        "14+",
        "24-",
        "125+",
        "260+",
        "276-",
      ]
    `);
  });

  it('normalises every vector to length 1, and gives zeros for text without words', async () => {
    const vs = await embedder.embed(['a', 'short', 'A much longer text about glaciers, moraines and fjords, repeated: glaciers glaciers.']);
    expect(norm(vs[1]!)).toBeCloseTo(1, 10);
    expect(norm(vs[2]!)).toBeCloseTo(1, 10);
    expect(vs[0]!.every((x) => x === 0)).toBe(true);
    expect(hashEmbed('the and of ... !!', 384).every((x) => x === 0)).toBe(true);
  });

  it('puts texts sharing words and word forms closer than unrelated texts', async () => {
    const [query, related, inflected, unrelated] = await embedder.embed([
      'why does the moon cause high tides',
      'The gravity of the Moon causes the tides of the ocean.',
      'tidal bulge moon gravitational',
      'Knead the sourdough and bake the loaf in a hot oven.',
    ]);
    expect(cosine(query!, related!)).toBeGreaterThan(cosine(query!, unrelated!) + 0.2);
    expect(cosine(query!, inflected!)).toBeGreaterThan(cosine(query!, unrelated!));
    expect(cosine(hashEmbed('tide', 384), hashEmbed('tides', 384))).toBeGreaterThan(Math.abs(cosine(hashEmbed('tide', 384), hashEmbed('ocean', 384))) + 0.3);
  });

  it('is lexical: synonyms without shared spelling are not close', () => {
    expect(Math.abs(cosine(hashEmbed('car', 384), hashEmbed('automobile', 384)))).toBeLessThan(0.3);
  });
});
