import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode } from './define-node.js';
import { definePlugin, NODE_KINDS, pluginProblems } from './plugins.js';

const upper = defineNode({
  type: 'analysis.upper',
  kind: 'analysis',
  version: 1,
  title: 'Upper case',
  description: 'Upper-cases text',
  icon: 'type',
  inputs: ['in'],
  outputs: ['out'],
  params: z.object({ text: z.string() }),
  output: z.string(),
});
const execute = async (_ctx: unknown, params: { text: string }) => params.text.toUpperCase();

/** A plugin with one node whose definition fields are replaced by `patch`. */
const withDefinition = (patch: Record<string, unknown>, node: Record<string, unknown> = {}) => ({
  name: 'p',
  nodes: [{ definition: { ...upper, ...patch }, execute, ...node }],
});

describe('definePlugin', () => {
  it('returns the plugin frozen, executors typed by their definitions', () => {
    const plugin = definePlugin({ name: 'upper', nodes: [{ definition: upper, execute }] });
    expect(Object.isFrozen(plugin)).toBe(true);
    expect(pluginProblems(plugin)).toEqual([]);
  });
});

describe('pluginProblems', () => {
  it('accepts every optional field used as documented', () => {
    const plugin = withDefinition(
      {
        policy: { timeout: '5s', maxAttempts: 2, nonRetryable: ['BadInput'] },
        expressionParams: ['text'],
        deferredParams: [],
        routing: true,
        dynamicOutputs: { param: 'routes', field: 'port' },
        compensates: () => true,
        join: () => 'any',
        check: () => [],
      },
      { compensate: async () => undefined },
    );
    expect(pluginProblems(plugin)).toEqual([]);
  });

  it('knows every node kind', () => {
    expect(NODE_KINDS).toEqual(['strategy', 'security', 'execution', 'analysis', 'retrieval', 'control']);
  });

  it('needs a name and a list of nodes', () => {
    expect(pluginProblems({ nodes: 'x' })).toEqual(['it has no name', 'nodes is not a list of node types']);
    expect(pluginProblems({ name: 'p', nodes: [] })).toEqual(['nodes is empty']);
    expect(pluginProblems(undefined)).toEqual(['the default export is missing, not a plugin object (export default definePlugin({ name, nodes }))']);
  });

  it('needs a type id that starts with a known kind', () => {
    expect(pluginProblems(withDefinition({ type: 'execution.upper' }))).toEqual(['nodes[0] (execution.upper): type "execution.upper" does not start with its kind "analysis."']);
    expect(pluginProblems(withDefinition({ type: 'magic.upper', kind: 'magic' }))).toEqual([
      'nodes[0] (magic.upper): kind "magic" is not one of strategy, security, execution, analysis, retrieval, control',
    ]);
    expect(pluginProblems(withDefinition({ type: 'Analysis.Upper' }))).toEqual(['nodes[0] (Analysis.Upper): type "Analysis.Upper" is not of the form kind.name (e.g. analysis.greet)']);
    expect(pluginProblems(withDefinition({ kind: 'toString', type: 'toString.x' }))[0]).toMatch(/kind "toString" is not one of/);
  });

  it('needs zod schemas for params and output, not look-alikes', () => {
    expect(pluginProblems(withDefinition({ params: { type: 'object' }, output: { _zod: {}, safeParse: () => 1 } }))).toEqual([
      'nodes[0] (analysis.upper): params is not a zod 4 schema',
      'nodes[0] (analysis.upper): output is not a zod 4 schema',
    ]);
  });

  it('checks the policy against the workflow schema', () => {
    const [problem] = pluginProblems(withDefinition({ policy: { timeout: 'soon', retries: 2 } }));
    expect(problem).toMatch(/^nodes\[0\] \(analysis\.upper\): policy: .*timeout.*/);
    expect(problem).toMatch(/retries/);
  });

  it('needs an execute function, and compensate when the definition compensates', () => {
    expect(pluginProblems({ name: 'p', nodes: [{ definition: { ...upper, compensates: () => true } }] })).toEqual([
      'nodes[0] (analysis.upper): execute is not a function',
      'nodes[0] (analysis.upper): the definition has compensates but there is no compensate function',
    ]);
  });

  it('keeps engine modes to the built-ins', () => {
    expect(pluginProblems(withDefinition({ mode: 'approval' }))).toEqual(['nodes[0] (analysis.upper): mode "approval" is reserved for built-in types (plugins run as activities)']);
  });

  it('refuses a type defined twice in one plugin', () => {
    expect(pluginProblems({ name: 'p', nodes: [{ definition: upper, execute }, { definition: upper, execute }] })).toEqual(['nodes[1] (analysis.upper): the type is defined twice in this plugin']);
  });
});
