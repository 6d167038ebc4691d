import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode } from './define-node.js';
import { builtinNodes, nodeExecutor } from './executors.js';
import { testContext } from './testing/context.js';

describe('the built-in node types', () => {
  it('gives an executor to every type the engine runs as an activity, and to no other', () => {
    for (const n of builtinNodes) expect([n.definition.type, n.execute !== undefined]).toEqual([n.definition.type, (n.definition.mode ?? 'activity') === 'activity']);
  });
});

describe('nodeExecutor', () => {
  const definition = defineNode({
    type: 'analysis.repeat',
    kind: 'analysis',
    version: 1,
    title: 'Repeat',
    description: 'Repeats a word',
    icon: 'type',
    inputs: ['in'],
    outputs: ['out'],
    params: z.object({ word: z.string(), times: z.number().int().min(1).default(2) }).strict(),
    output: z.object({ text: z.string() }),
  });
  const bound = nodeExecutor(definition, {
    execute: async (_ctx, params) => ({ text: params.word.repeat(params.times) }),
    compensate: async (_ctx, _params, output) => output.text.length,
  });

  it('gives the executor its params as the definition parses them, defaults applied', async () => {
    await expect(bound.execute!(testContext(), { word: 'ab' }, null)).resolves.toEqual({ text: 'abab' });
  });

  it('refuses params and outputs its definition does not accept, before the executor runs', async () => {
    await expect(bound.execute!(testContext(), { word: 'ab', times: 0 }, null)).rejects.toThrow(/times/);
    await expect(bound.execute!(testContext(), { word: 'ab', extra: true }, null)).rejects.toThrow(/extra/);
    await expect(bound.compensate!(testContext(), { word: 'ab' }, { text: 3 })).rejects.toThrow(/text/);
    await expect(bound.compensate!(testContext(), { word: 'ab' }, { text: 'abab' })).resolves.toBe(4);
  });
});
