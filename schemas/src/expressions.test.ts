import { describe, expect, it } from 'vitest';
import { analyseExpression, checkExpression, ExpressionError, evaluateExpression, findTemplates, resolveParams, resolveTemplate, type ExpressionScope } from './expressions.js';

const scope: ExpressionScope = {
  input: { name: 'Ada', n: 21, tags: ['a', 'b'] },
  nodes: { plan: { output: { steps: ['research', 'write'] } } },
  run: { id: 'run_1', input: { q: 'x' } },
  env: { REGION: 'eu' },
};

describe('expressions', () => {
  it('keeps the type of a param that is exactly one expression', async () => {
    expect(await resolveTemplate('{{ $input.n * 2 }}', scope)).toBe(42);
    expect(await resolveTemplate('  {{ $input.tags }}', scope)).toBe('  ["a","b"]');
    expect(await resolveTemplate('{{ $input.tags }}', scope)).toEqual(['a', 'b']);
  });

  it('interpolates several expressions into text', async () => {
    expect(await resolveTemplate('Hi {{ $input.name }}, step {{ $nodes.plan.output.steps[0] }} in {{ $env.REGION }}', scope)).toBe('Hi Ada, step research in eu');
  });

  it('resolves templates deep inside objects and arrays and leaves other values alone', async () => {
    expect(await resolveParams({ a: ['{{ $run.id }}', 3], b: { c: '{{ $run.input.q }}' }, d: true }, scope)).toEqual({ a: ['run_1', 3], b: { c: 'x' }, d: true });
  });

  it('treats braces inside an expression as part of it', () => {
    expect(findTemplates('x {{ {"a": {"b": 1}} }} y')).toEqual([{ source: '{"a": {"b": 1}}', start: 2, end: 23 }]);
    expect(findTemplates('{{ "}}" }}')!.map((p) => p.source)).toEqual(['"}}"']);
    expect(findTemplates('{{ open')).toBeUndefined();
  });

  it('stops an expression that runs past its time limit', async () => {
    const started = Date.now();
    await expect(evaluateExpression('$count([1..1000000].($string($)))', scope, 50)).rejects.toThrow(/longer than 50 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('cannot reach the host through prototypes or functions', async () => {
    for (const src of [
      '$.constructor',
      '$.constructor.constructor("return process")()',
      '$input.__proto__',
      '$lookup($, "constructor")',
      '$eval("$.constructor.constructor(\'return process\')()")',
      '$eval("$string.constructor")',
      '$string.constructor("return this")()',
    ]) {
      const v = await evaluateExpression(src, scope).catch((e: unknown) => e);
      expect(v === undefined || v instanceof ExpressionError).toBe(true);
    }
    expect(await evaluateExpression('$eval("1 + 1")', scope)).toBe(2);
  });

  it('reports a syntax error as an ExpressionError', async () => {
    await expect(resolveTemplate('{{ 1 + }}', scope)).rejects.toBeInstanceOf(ExpressionError);
  });

  it('finds the nodes an expression reads, whether it is boolean, and its syntax error', () => {
    expect(analyseExpression('$nodes.fetch.output.body[0].id = 1 and $exists($nodes.plan.other)')).toEqual({
      references: [
        { nodeId: 'fetch', fields: ['body'] },
        { nodeId: 'plan', fields: [] },
      ],
      boolean: true,
      stepwise: false,
    });
    expect(analyseExpression('1 +')).toEqual({ error: { message: 'Unexpected end of expression', position: 3 }, references: [], boolean: false, stepwise: false });
    expect(checkExpression('1 +')).toEqual({ message: 'Unexpected end of expression', position: 3 });
    expect(checkExpression('$input.a')).toBeUndefined();
  });

  it('tells which expressions only step through data, between JSONata time checks', () => {
    for (const stepwise of ['$input.n * 2', '$nodes.a.output.items[price > 10].name', '{"a": $input.x & "!"}', '$input.a ? 1 : 2']) expect(analyseExpression(stepwise).stepwise).toBe(true);
    for (const unbounded of ['$length($input.s)', '$input.s ~> $uppercase', '[1..100000]', '$input.s ~> /a+/', 'function($x) { $x }', '$input ~> |$|{"a": 1}|']) expect(analyseExpression(unbounded).stepwise).toBe(false);
  });

  it('answers an expression seen before with the same analysis, which cannot be changed', () => {
    const first = analyseExpression('$nodes.a.output.b');
    expect(analyseExpression('$nodes.a.output.b')).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.references) && Object.isFrozen(first.references[0]!.fields)).toBe(true);
    expect(Object.isFrozen(analyseExpression('(').error)).toBe(true);
  });

  it('analyses correctly past the cache bound, and sources too long to keep', () => {
    const early = analyseExpression('$nodes.early.output.x');
    for (let i = 0; i < 5000; i++) analyseExpression(`$nodes.n${i}.output`);
    expect(analyseExpression('$nodes.early.output.x')).toEqual(early);
    const long = `$nodes.big.output.${'x'.repeat(2000)}`;
    expect(analyseExpression(long)).toEqual({ references: [{ nodeId: 'big', fields: ['x'.repeat(2000)] }], boolean: false, stepwise: true });
    expect(analyseExpression(long)).toEqual(analyseExpression(long));
  });
});
