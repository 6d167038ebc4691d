import { describe, expect, it } from 'vitest';
import { fieldsOf, initialValues, inputOf, jsonPathOf } from './input-form';

const schema = {
  type: 'object',
  required: ['name', 'count'],
  properties: {
    name: { type: 'string', title: 'Name' },
    count: { type: 'integer' },
    ratio: { type: 'number', default: 0.5 },
    loud: { type: 'boolean' },
    tone: { enum: ['warm', 'dry'] },
    address: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string' } }, required: ['city'] },
    tags: { type: 'array', items: { type: 'string' } },
  },
};

describe('fieldsOf', () => {
  it('maps strings, numbers, booleans, enums, nested objects and falls back to JSON', () => {
    const fields = fieldsOf(schema)!;
    expect(fields.map((f) => [f.path.join('.'), f.kind, f.required])).toEqual([
      ['name', 'string', true],
      ['count', 'integer', true],
      ['ratio', 'number', false],
      ['loud', 'boolean', false],
      ['tone', 'enum', false],
      ['address', 'object', false],
      ['tags', 'json', false],
    ]);
    expect(fields[0]!.label).toBe('Name');
    const address = fields[5]!;
    expect(address.kind === 'object' && address.fields.map((f) => [f.path.join('.'), f.required])).toEqual([
      ['address.city', true],
      ['address.zip', false],
    ]);
  });

  it('gives no form for a schema that is not an object with properties', () => {
    expect(fieldsOf(undefined)).toBeNull();
    expect(fieldsOf({ type: 'string' })).toBeNull();
    expect(fieldsOf({ type: 'object' })).toBeNull();
  });
});

describe('inputOf', () => {
  const fields = fieldsOf(schema)!;

  it('builds the typed input and leaves out empty optional fields', () => {
    const values = { ...initialValues(fields), name: 'Ada', count: '3', loud: true, tone: '"dry"', 'address.city': 'Paris', tags: '["a"]' };
    expect(inputOf(fields, values)).toEqual({
      input: { name: 'Ada', count: 3, ratio: 0.5, loud: true, tone: 'dry', address: { city: 'Paris' }, tags: ['a'] },
      issues: [],
    });
  });

  it('reports missing, non-numeric and malformed values at their JSON paths', () => {
    const values = { ...initialValues(fields), count: '1.5', 'address.zip': '75', tags: '[' };
    expect(inputOf(fields, values).issues).toEqual([
      { path: '$.name', message: 'required' },
      { path: '$.count', message: 'expected a whole number' },
      { path: '$.address.city', message: 'required' },
      { path: '$.tags', message: 'expected JSON' },
    ]);
  });
});

describe('jsonPathOf', () => {
  it('quotes names that are not identifiers', () => {
    expect(jsonPathOf(['a', 'b c'])).toBe('$.a["b c"]');
  });
});
