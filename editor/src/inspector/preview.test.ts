import type { ExpressionScope } from '@weft/schemas';
import { describe, expect, it } from 'vitest';
import { evaluatePreview, formatPreview, previewable } from './preview';

const scope: ExpressionScope = {
  input: { title: 'Printer jam', items: [1, 2, 3] },
  nodes: { shape: { output: { ticket: 'Printer jam', priority: 2 } } },
  run: { id: 'run-1', input: { title: 'Printer jam' } },
};

describe('expression preview', () => {
  it('evaluates JSONata against the node’s input and upstream outputs', async () => {
    expect(await evaluatePreview('$input.title & "!"', 'jsonata', scope, 500)).toEqual({ ok: true, value: 'Printer jam!' });
    expect(await evaluatePreview('$sum(items) * $nodes.shape.output.priority', 'jsonata', scope, 500)).toEqual({ ok: true, value: 12 });
  });

  it('interpolates templates, and keeps the type of a field that is one expression', async () => {
    expect(await evaluatePreview('Ticket: {{ $nodes.shape.output.ticket }} ({{ $run.id }})', 'template', scope, 500)).toEqual({ ok: true, value: 'Ticket: Printer jam (run-1)' });
    expect(await evaluatePreview('{{ $nodes.shape.output }}', 'template', scope, 500)).toEqual({ ok: true, value: { ticket: 'Printer jam', priority: 2 } });
  });

  it('reports errors without repeating the expression, and text that does not parse as incomplete', async () => {
    const syntax = await evaluatePreview('$input.title & (', 'jsonata', scope, 500);
    expect(syntax).toMatchObject({ ok: false, incomplete: true });
    expect(!syntax.ok && syntax.error).toMatch(/^cannot parse: /);
    const failed = await evaluatePreview('$number($input.title)', 'jsonata', scope, 500);
    expect(failed).toMatchObject({ ok: false });
    expect(failed).not.toHaveProperty('incomplete');
    expect(!failed.ok && failed.error).not.toContain('$number($input.title)');
    expect(await evaluatePreview('a {{ $input', 'template', scope, 500)).toEqual({ ok: false, error: 'unclosed {{ in expression', incomplete: true });
  });

  it('stops an expression that runs past its time limit', async () => {
    const started = Date.now();
    const slow = await evaluatePreview('$reduce([1..200000], function($a, $b) { $a + $b })', 'jsonata', scope, 20);
    expect(slow).toEqual({ ok: false, error: 'expression ran longer than 20 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('previews only text that holds an expression', () => {
    expect(previewable('  ', 'jsonata')).toBe(false);
    expect(previewable('$', 'jsonata')).toBe(true);
    expect(previewable('plain text', 'template')).toBe(false);
    expect(previewable('hi {{ $ }}', 'template')).toBe(true);
  });

  it('shows values as one line of JSON, cut when long', () => {
    expect(formatPreview('a b')).toBe('"a b"');
    expect(formatPreview({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(formatPreview(undefined)).toBe('no value');
    const long = formatPreview('x'.repeat(1000), 50);
    expect(long).toHaveLength(50);
    expect(long.endsWith('…')).toBe(true);
  });
});
