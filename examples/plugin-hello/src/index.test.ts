import { describe, expect, it } from 'vitest';
import { pluginProblems } from '@weft/nodes';
import plugin from './index.js';

describe('the hello plugin', () => {
  it('is a sound plugin', () => {
    expect(pluginProblems(plugin)).toEqual([]);
  });

  it('ships analysis.greet with its executor', () => {
    expect(plugin.nodes.map((n) => n.definition.type)).toEqual(['analysis.greet']);
    expect(typeof plugin.nodes[0]?.execute).toBe('function');
  });
});
