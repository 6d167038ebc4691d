import { describe, expect, it } from 'vitest';
import { MIN_FORM_LENGTH, secretForms, secretMasker } from './forms.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const hex = (s: string) => Buffer.from(s).toString('hex');

describe('secretForms', () => {
  const value = 'pw:"q\\é/ ✓ <&>\n+=';

  it('lists the value and every encoding an HTTP call or an echo could give it', () => {
    const forms = secretForms(value);
    for (const f of [
      value,
      encodeURIComponent(value),
      encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      new URLSearchParams({ v: value }).toString().slice(2),
      b64(value),
      b64(value).replace(/=+$/, ''),
      b64url(value),
      hex(value),
      hex(value).toUpperCase(),
      JSON.stringify(value).slice(1, -1),
      'pw:\\"q\\\\\\u00e9/ \\u2713 <&>\\n+=',
      'pw:\\"q\\\\\\u00E9/ \\u2713 <&>\\n+=',
      'pw:\\"q\\\\\\u00e9\\/ \\u2713 <&>\\n+=',
      'pw:\\"q\\\\é/ ✓ \\u003c\\u0026\\u003e\\n+=',
    ]) {
      expect(forms, f).toContain(f);
    }
  });

  it('finds the value inside any longer base64 text, whatever its alignment', () => {
    const forms = secretForms('hunter2-secret');
    for (const prefix of ['', 'a', 'ad', 'ada:', 'user:', 'someone:']) {
      const encoded = b64(`${prefix}hunter2-secret and more`);
      expect(forms.some((f) => f.length >= 16 && encoded.includes(f)), prefix).toBe(true);
    }
  });

  it('is longest first, without duplicates, and always keeps the value itself', () => {
    const forms = secretForms('abc123');
    expect(new Set(forms).size).toBe(forms.length);
    expect([...forms].sort((a, b) => b.length - a.length)).toEqual(forms);
    expect(secretForms('ab')).toContain('ab');
    expect(secretForms('ab').every((f) => f === 'ab' || f.length >= MIN_FORM_LENGTH)).toBe(true);
    expect(secretForms('abcd').filter((f) => f !== 'abcd').every((f) => f.length >= MIN_FORM_LENGTH)).toBe(true);
    expect(secretForms('')).toEqual([]);
    // A lone surrogate has no URL form; the other forms are still there.
    expect(secretForms('ab\ud800cd')).toContain('ab\ud800cd');
  });
});

describe('secretMasker', () => {
  const secrets = new Map([
    ['TOKEN', 'tok_"quoted"\\/é'],
    ['PW', 'hunter2!'],
  ]);
  const mask = secretMasker(secrets);

  it('masks each form with the name of its secret', () => {
    const token = secrets.get('TOKEN')!;
    const echoed = [token, encodeURIComponent(token), b64(token), b64url(token), hex(token), hex(token).toUpperCase(), JSON.stringify(token).slice(1, -1), JSON.stringify(token).slice(1, -1).replace('é', '\\u00e9')];
    for (const e of echoed) expect(mask(`<${e}>`), e).toBe('<[secret:TOKEN]>');
    expect(mask(`Basic ${b64('ada:hunter2!')}`)).not.toContain(b64('ada:hunter2!'));
    expect(mask(`Basic ${b64('ada:hunter2!')}`)).toContain('[secret:PW]');
    expect(mask('nothing to see')).toBe('nothing to see');
  });

  it('is computed once per map, and again when the map changes', () => {
    const map = new Map([['A', 'first-value']]);
    const m1 = secretMasker(map);
    expect(secretMasker(map)).toBe(m1);
    map.set('A', 'second-value');
    const m2 = secretMasker(map);
    expect(m2).not.toBe(m1);
    expect(m2('second-value first-value')).toBe('[secret:A] first-value');
  });

  it('masks a large output quickly', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => `row ${i} ${i % 997 === 0 ? b64('hunter2!') : 'plain text'}`).join('\n');
    const started = performance.now();
    const out = mask(big);
    expect(performance.now() - started).toBeLessThan(500);
    expect(out).not.toContain(b64('hunter2!'));
  });
});
