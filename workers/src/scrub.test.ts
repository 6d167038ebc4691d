import { describe, expect, it } from 'vitest';
import { scrub } from './activities.js';

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

  it('returns the value itself when no secret was read', () => {
    const value = { a: 'tok-123456' };
    expect(scrub(value, new Map())).toBe(value);
  });
});
