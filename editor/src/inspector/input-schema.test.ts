import { describe, expect, it } from 'vitest';
import { exampleValue, fieldNameProblem, freshFieldName, inputFieldsOf, inputSchemaOf } from './input-schema';

describe('declared run input', () => {
  it('turns fields into an input schema and back', () => {
    const schema = inputSchemaOf([
      { name: 'email', type: 'string', required: true, description: 'Who wrote', example: 'ada@example.com', rest: {} },
      { name: 'amount', type: 'number', required: false, description: '', example: '42.5', rest: { minimum: 0 } },
    ]);
    expect(schema).toEqual({
      type: 'object',
      properties: { email: { type: 'string', description: 'Who wrote', examples: ['ada@example.com'] }, amount: { minimum: 0, type: 'number', examples: [42.5] } },
      required: ['email'],
    });
    expect(inputFieldsOf(schema)).toEqual([
      { name: 'email', type: 'string', required: true, description: 'Who wrote', example: 'ada@example.com', rest: {} },
      { name: 'amount', type: 'number', required: false, description: '', example: '42.5', rest: { minimum: 0 } },
    ]);
  });

  it('keeps what the form does not show, and drops an empty schema', () => {
    expect(inputSchemaOf([], { type: 'object', properties: { a: {} } })).toBeUndefined();
    expect(inputSchemaOf([], { type: 'object', title: 'Order' })).toEqual({ type: 'object', title: 'Order' });
    expect(inputSchemaOf([{ name: 'a', type: 'boolean', required: false, description: '', example: 'maybe', rest: {} }], { title: 'T', additionalProperties: true })).toEqual({
      title: 'T',
      additionalProperties: true,
      type: 'object',
      properties: { a: { type: 'boolean' } },
    });
  });

  it('reads examples as the type says and names what is wrong', () => {
    expect(exampleValue('integer', '3')).toEqual({ ok: true, value: 3 });
    expect(exampleValue('integer', '3.5')).toEqual({ ok: false, message: 'Not a whole number' });
    expect(exampleValue('array', '["a"]')).toEqual({ ok: true, value: ['a'] });
    expect(exampleValue('string', '42')).toEqual({ ok: true, value: '42' });
  });

  it('refuses names expressions cannot read and names used twice', () => {
    const fields = inputFieldsOf({ properties: { a: {}, b: {} } });
    expect(fieldNameProblem(fields, 0, 'b')).toBe('Another field is named "b"');
    expect(fieldNameProblem(fields, 0, '1st')).toMatch(/^Letters, digits and _/);
    expect(fieldNameProblem(fields, 0, '')).toBe('Required');
    expect(fieldNameProblem(fields, 0, 'c')).toBeUndefined();
    expect(freshFieldName([...fields, { ...fields[0]!, name: 'field' }])).toBe('field_2');
  });
});
