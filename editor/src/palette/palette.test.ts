import type { NodeTypeView } from '@weft/schemas';
import { describe, expect, it } from 'vitest';
import { paletteSections } from './palette';

const type = (t: string, title: string, category: string, description = ''): NodeTypeView => ({
  type: t,
  kind: t.split('.')[0]!,
  category,
  version: 1,
  title,
  description,
  icon: 'x',
  inputs: ['in'],
  outputs: ['out'],
  trigger: false,
  params: {},
  output: {},
  policy: {},
});

const types = [type('execution.http', 'HTTP request', 'Actions', 'Calls a URL'), type('analysis.transform', 'Transform', 'Data'), type('control.branch', 'Branch', 'Flow'), type('analysis.llm', 'LLM', 'Data', 'Asks a model')];

describe('palette', () => {
  it('groups node types by category, sorted', () => {
    expect(paletteSections(types, '').map((s) => [s.category, s.types.map((t) => t.title)])).toEqual([
      ['Actions', ['HTTP request']],
      ['Data', ['LLM', 'Transform']],
      ['Flow', ['Branch']],
    ]);
  });

  it('finds types by any word of their title, id, category or description', () => {
    expect(paletteSections(types, 'model').flatMap((s) => s.types.map((t) => t.type))).toEqual(['analysis.llm']);
    expect(paletteSections(types, 'DATA trans').flatMap((s) => s.types.map((t) => t.type))).toEqual(['analysis.transform']);
    expect(paletteSections(types, 'nothing')).toEqual([]);
  });
});
