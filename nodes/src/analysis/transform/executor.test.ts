import { describe, expect, it } from 'vitest';
import { NodeError } from '../../context.js';
import { testContext } from '../../testing/context.js';
import definition from './definition.js';
import { execute } from './executor.js';

const scope = { input: { items: [{ price: 2, qty: 3 }, { price: 5, qty: 1 }] }, nodes: { plan: { output: { tax: 0.5 } } }, run: { id: 'run_1', input: { currency: 'EUR' } } };
const run = (expression: string, extra: Record<string, unknown> = {}) => execute(testContext({ scope }), definition.params.parse({ expression, ...extra }), scope.input);

describe('analysis.transform', () => {
  it('evaluates JSONata over the input, upstream outputs and the run', async () => {
    expect(await run('$sum(items.(price * qty)) * (1 + $nodes.plan.output.tax) & " " & $run.input.currency')).toBe('16.5 EUR');
    expect(await run('items[price > 3]')).toEqual({ price: 5, qty: 1 });
  });

  it('gives null, not undefined, when nothing matches', async () => {
    expect(await run('items[price > 100]')).toBeNull();
  });

  it('fails for good on an expression error, with the message', async () => {
    const e = await run('$number("x") + $undefinedFunction()').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NodeError);
    expect(e).toMatchObject({ type: 'ExpressionError', retryable: false });
  });

  it('stops a runaway expression at its time limit', async () => {
    const e = await run('( $f := function($n) { $f($n + 1) }; $f(0) )', { timeoutMs: 50 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ type: 'ExpressionTimeout', retryable: false });
  });
});
