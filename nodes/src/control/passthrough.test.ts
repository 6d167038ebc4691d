import { describe, expect, it } from 'vitest';
import { testContext } from '../testing/context.js';
import mergeDef from './merge/definition.js';
import { execute as merge } from './merge/executor.js';
import outputDef from './output/definition.js';
import { execute as output } from './output/executor.js';
import triggerDef from './trigger/definition.js';
import { execute as trigger } from './trigger/executor.js';

describe('control nodes that pass data on', () => {
  it('control.trigger hands on the run input', async () => {
    const ctx = testContext({ scope: { input: null, nodes: {}, run: { id: 'r', input: { order: 7 } } } });
    expect(await trigger(ctx, triggerDef.params.parse({}), null)).toEqual({ order: 7 });
  });

  it('control.merge passes on the inputs the engine joined', async () => {
    const joined = { a: 1, b: { c: 2 } };
    expect(await merge(testContext(), mergeDef.params.parse({}), joined)).toBe(joined);
  });

  it('control.output returns its resolved value, else its input', async () => {
    expect(await output(testContext(), outputDef.params.parse({ value: { total: 3 } }), 'ignored')).toEqual({ total: 3 });
    expect(await output(testContext(), outputDef.params.parse({}), ['the', 'input'])).toEqual(['the', 'input']);
  });
});
