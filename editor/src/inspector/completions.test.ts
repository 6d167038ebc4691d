import { describe, expect, it } from 'vitest';
import { testCatalog } from '../validation/test-catalog';
import { completionsAt, markerRange, templateParts, type UpstreamNode } from './completions';
import type { JsonSchema } from './schema-form';

const upstream: UpstreamNode[] = [
  { id: 'call', label: 'Fetch items', output: testCatalog().get('execution.http')!.output as JsonSchema },
  { id: 'start', output: testCatalog().get('control.trigger')!.output as JsonSchema },
];
const labels = (before: string) => completionsAt(before, upstream).items.map((i) => i.label);

describe('completionsAt', () => {
  it('offers the scope variables after $', () => {
    expect(labels('$')).toEqual(expect.arrayContaining(['$input', '$run', '$env', '$nodes']));
    expect(completionsAt('1 + $in', upstream).replace).toBe(3);
  });

  it('offers upstream node ids after $nodes.', () => {
    expect(labels('$nodes.')).toEqual(['call', 'start']);
    expect(completionsAt('$nodes.ca', upstream)).toMatchObject({ replace: 2 });
  });

  it('offers output, then the fields of the output schema, through arrays', () => {
    expect(labels('$nodes.call.')).toEqual(['output']);
    expect(labels('$nodes.call.output.')).toEqual(['status', 'body']);
    expect(labels('$nodes.call.output.body.items.')).toEqual(['id', 'name']);
    expect(completionsAt('$nodes.call.output.bo', upstream)).toMatchObject({ replace: 2 });
  });

  it('offers $tool and the declared arguments in a tool of an agent, and not elsewhere', () => {
    const args = [{ name: 'city', type: 'string', description: 'The city' }, { name: 'days', type: 'integer' }];
    expect(completionsAt('$', upstream, args).items.map((i) => i.label)).toContain('$tool');
    expect(labels('$')).not.toContain('$tool');
    expect(completionsAt('$tool.', upstream, args).items.map((i) => [i.label, i.detail])).toEqual([
      ['city', 'string: The city'],
      ['days', 'integer'],
    ]);
    expect(completionsAt('$tool.ci', upstream, args)).toMatchObject({ replace: 2 });
    expect(labels('$tool.')).toEqual([]);
  });

  it('offers nothing for nodes that are not upstream', () => {
    expect(labels('$nodes.other.output.')).toEqual([]);
    expect(labels('plain text')).toEqual([]);
  });
});

describe('markerRange / templateParts', () => {
  it('places a parse error on the line and column before the reported position', () => {
    expect(markerRange('a +\n  (', 7)).toEqual({ startLine: 2, startColumn: 3, endLine: 2, endColumn: 4 });
    expect(markerRange('x', undefined)).toMatchObject({ startLine: 1, startColumn: 1 });
  });

  it('finds the expressions of a template with their offsets', () => {
    expect(templateParts('a {{ $x }} b {{y}}')).toEqual([
      { source: ' $x ', offset: 4 },
      { source: 'y', offset: 15 },
    ]);
  });
});
