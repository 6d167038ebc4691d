import { describe, expect, it } from 'vitest';
import { Routed } from '../../define-node.js';
import { testContext } from '../../testing/context.js';
import definition from './definition.js';
import { execute } from './executor.js';

const run = async (condition: string, input: unknown) => {
  const out = await execute(testContext({ scope: { input, nodes: {}, run: {} } }), definition.params.parse({ condition }), input);
  if (!(out instanceof Routed)) throw new Error('a branch always routes');
  return { ports: out.ports, output: out.output };
};

describe('control.branch', () => {
  it('sends the input out of `true` when the condition is exactly true, else out of `false`', async () => {
    expect(await run('amount > 100', { amount: 150 })).toEqual({ ports: ['true'], output: { amount: 150 } });
    expect(await run('amount > 100', { amount: 40 })).toEqual({ ports: ['false'], output: { amount: 40 } });
    // Truthy is not true: a string or a number goes out of `false`.
    expect((await run('name', { name: 'Ada' })).ports).toEqual(['false']);
  });

  it('fails for good when the condition cannot be evaluated', async () => {
    await expect(run('$nope(1)', {})).rejects.toMatchObject({ type: 'ExpressionError', retryable: false });
  });
});
