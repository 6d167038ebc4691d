import { describe, expect, it } from 'vitest';
import { testCatalog } from '../validation/test-catalog';
import { fieldModel, getIn, initialValue, matchField, objectFields, setIn, type JsonSchema } from './schema-form';

const params = (type: string) => testCatalog().get(type)!.params as JsonSchema;

describe('objectFields', () => {
  it('maps each param schema to the control that edits it', () => {
    const kinds = Object.fromEntries(objectFields(params('execution.http'), { url: 'https://a.test' }).map((f) => [f.name, f.kind]));
    expect(kinds).toEqual({ method: 'enum', url: 'text', headers: 'record', body: 'json', auth: 'variant', tags: 'array', follow: 'boolean' });
  });

  it('keeps titles, descriptions, defaults and required flags for labels and help', () => {
    const [expression, timeout] = objectFields(params('analysis.transform'), {});
    expect(expression).toMatchObject({ label: 'Expression', description: 'JSONata, without {{ }}', required: true, kind: 'jsonata' });
    expect(timeout).toMatchObject({ label: 'Time limit (ms)', default: 1000, required: false, kind: 'integer' });
  });

  it('edits code, conditions and templates in the code editor', () => {
    expect(objectFields(params('execution.code'), {}, 'execution.code')[0]!.kind).toBe('code');
    expect(objectFields(params('control.branch'), {})[0]!.kind).toBe('jsonata');
    const url = objectFields(params('execution.http'), { url: 'https://a.test/{{ $input.id }}' }).find((f) => f.name === 'url')!;
    expect(url.kind).toBe('template');
    // Long text marked multiline (a prompt) is in the code editor from the start, even when empty.
    expect(fieldModel('prompt', { type: 'string', multiline: true }).kind).toBe('template');
    expect(fieldModel('model', { type: 'string' }).kind).toBe('text');
  });

  it('offers the shapes of a discriminated union and picks secrets out', () => {
    const auth = objectFields(params('execution.http'), {}).find((f) => f.name === 'auth')!;
    expect(auth.variants!.map((v) => [v.label, v.tag, v.value])).toEqual([
      ['Bearer token', 'type', 'bearer'],
      ['Header', 'type', 'header'],
    ]);
    expect(objectFields(auth.variants![0]!.schema, {}).find((f) => f.name === 'secret')!.kind).toBe('secret');
  });

  it('labels untitled fields from their names', () => {
    expect(fieldModel('maxOutputKb', { type: 'integer' }).label).toBe('Max output kb');
  });
});

describe('matchField', () => {
  const fields = ['$.params.url', '$.params.body', '$.params.auth', '$.params.auth.secret', '$.params.tags[0]'];

  it('finds the field a problem path names', () => {
    expect(matchField(fields, '$.params.url')).toBe('$.params.url');
    expect(matchField(fields, '$.params.auth.secret')).toBe('$.params.auth.secret');
    expect(matchField(fields, '$.params.tags[0]')).toBe('$.params.tags[0]');
  });

  it('lands a path inside a value on the field that holds it, only at segment ends', () => {
    expect(matchField(fields, '$.params.body.items[3].id')).toBe('$.params.body');
    expect(matchField(fields, '$.params.auth.name')).toBe('$.params.auth');
    expect(matchField(fields, '$.params.urlencoded')).toBeUndefined();
    expect(matchField(fields, '$.policy.timeout')).toBeUndefined();
  });
});

describe('setIn / initialValue', () => {
  it('replaces a nested value without touching the original', () => {
    const before = { auth: { type: 'bearer', secret: 'A' }, tags: ['x'] };
    const after = setIn(before, ['auth', 'secret'], 'B');
    expect(getIn(after, ['auth', 'secret'])).toBe('B');
    expect(before.auth.secret).toBe('A');
    expect(setIn(before, ['tags', 0], undefined)).toEqual({ auth: before.auth, tags: [] });
    expect(setIn(before, ['auth'], undefined)).toEqual({ tags: ['x'] });
  });

  it('starts a new item from the default, the tag of a shape, or an empty value', () => {
    const auth = objectFields(params('execution.http'), {}).find((f) => f.name === 'auth')!;
    expect(initialValue(auth.variants![1]!.schema)).toEqual({ type: 'header', name: '', secret: '' });
    expect(initialValue({ type: 'integer', default: 5 })).toBe(5);
    expect(initialValue({ type: 'string' })).toBe('');
  });
});
