import { describe, expect, it } from 'vitest';
import { scrub } from './attempt-secrets.js';

describe('scrub', () => {
  const secrets = new Map([
    ['API_TOKEN', 'tok-123456'],
    ['PASSWORD', 'hunter2!'],
  ]);

  it('replaces every occurrence in every string, keys included, and leaves other values alone', () => {
    const out = scrub(
      { headers: { authorization: 'Bearer tok-123456' }, echo: ['tok-123456tok-123456', 'fine', 3, null, true], 'hunter2!': { deep: 'pw=hunter2!' } },
      secrets,
    );
    expect(out).toEqual({
      headers: { authorization: 'Bearer [secret:API_TOKEN]' },
      echo: ['[secret:API_TOKEN][secret:API_TOKEN]', 'fine', 3, null, true],
      '[secret:PASSWORD]': { deep: 'pw=[secret:PASSWORD]' },
    });
    expect(JSON.stringify(out)).not.toContain('tok-123456');
  });

  it('scrubs run errors and bare strings', () => {
    expect(scrub({ type: 'HttpStatusError', message: 'GET https://x/?key=hunter2! failed', nodeId: 'a' }, secrets).message).toBe('GET https://x/?key=[secret:PASSWORD] failed');
    expect(scrub('tok-123456', secrets)).toBe('[secret:API_TOKEN]');
  });

  it('masks the encodings a call or an echo gives a secret: URL, base64, hex, JSON-escaped, inside basic credentials', () => {
    const value = 'p"w\\/é ✓&=+\n';
    const map = new Map([['TRICKY', value]]);
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const echoes = {
      raw: value,
      uri: encodeURIComponent(value),
      form: new URLSearchParams({ v: value }).toString().slice(2),
      base64: b64(value),
      base64url: Buffer.from(value).toString('base64url'),
      unpadded: b64(value).replace(/=+$/, ''),
      hex: Buffer.from(value).toString('hex'),
      HEX: Buffer.from(value).toString('hex').toUpperCase(),
      json: JSON.stringify({ v: value }),
      ascii: JSON.stringify(value).slice(1, -1).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      basic: `Basic ${b64(`ada:${value}`)}`,
    };
    const out = scrub({ error: { message: `failed: ${echoes.json}` }, echoes }, map);
    const text = JSON.stringify(out);
    for (const [kind, form] of Object.entries(echoes)) {
      expect(text.includes(kind === 'basic' ? b64(`ada:${value}`) : form), kind).toBe(false);
      expect(out.echoes[kind as keyof typeof echoes], kind).toContain('[secret:TRICKY]');
    }
    expect(out.error.message).toBe('failed: {"v":"[secret:TRICKY]"}');
  });

  it('skips derived forms too short to tell from ordinary text, but never the value itself', () => {
    const out = scrub({ a: 'xyz', b: 'eHl6', c: 'xyz!' }, new Map([['SHORT', 'xyz']]));
    expect(out).toEqual({ a: '[secret:SHORT]', b: '[secret:SHORT]', c: '[secret:SHORT]!' });
    // "7a" is the hex of "z": two characters, so it stays; "z" itself does not.
    expect(scrub('7a is hex of z', new Map([['ONE', 'z']]))).toBe('7a is hex of [secret:ONE]');
  });

  it('returns the value itself when no secret was read', () => {
    const value = { a: 'tok-123456' };
    expect(scrub(value, new Map())).toBe(value);
  });
});
