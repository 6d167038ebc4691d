import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signedWebhookHeaders, signWebhook, webhookSigningString, type SignedWebhookRequest } from './webhooks.js';

const request = { timestamp: 1_700_000_000, method: 'post', path: '/hooks/orders', query: 'src=shop&amount=5', headers: { 'X-Shop': ' north ' }, body: '{"order":1}\n' };

describe('the v2 webhook signature', () => {
  it('signs one line each for the version, timestamp, method, path, query, header names and headers, then the body', () => {
    expect(webhookSigningString(request)).toBe('v2\n1700000000\nPOST\n/hooks/orders\nsrc=shop&amount=5\nx-shop\nx-shop:north\n{"order":1}\n');
    expect(webhookSigningString({ timestamp: 1, method: 'POST', path: '/hooks/a', body: '' })).toBe('v2\n1\nPOST\n/hooks/a\n\n\n');
  });

  it('is v2= and the hex HMAC-SHA256 of the signing string', () => {
    const expected = createHmac('sha256', 'whsec_k').update(webhookSigningString(request)).digest('hex');
    expect(signWebhook('whsec_k', request)).toBe(`v2=${expected}`);
  });

  it('changes with every signed part', () => {
    const base = signWebhook('whsec_k', request);
    const changed: SignedWebhookRequest[] = [
      { ...request, timestamp: 1_700_000_001 },
      { ...request, method: 'PUT' },
      { ...request, path: '/hooks/other' },
      { ...request, query: 'src=shop&amount=999999' },
      { ...request, query: '' },
      { ...request, headers: { 'x-shop': 'south' } },
      { ...request, headers: {} },
      { ...request, body: '{"order":2}\n' },
    ];
    for (const r of changed) expect(signWebhook('whsec_k', r)).not.toBe(base);
  });

  it('sends the signed headers, their names, the timestamp and the signature', () => {
    expect(signedWebhookHeaders('whsec_k', request)).toEqual({
      'X-Shop': ' north ',
      'x-weft-timestamp': '1700000000',
      'x-weft-signed-headers': 'x-shop',
      'x-weft-signature': signWebhook('whsec_k', request),
    });
    expect(signedWebhookHeaders('whsec_k', { ...request, headers: {} })).not.toHaveProperty('x-weft-signed-headers');
  });

  it('is what the README\'s openssl recipe computes', () => {
    const script = [
      `SECRET='whsec_k'`,
      `BODY='{"order":1}'`,
      `TS=1700000000`,
      `SIG=$(printf 'v2\\n%s\\nPOST\\n%s\\n%s\\n%s\\n%s\\n%s' "$TS" '/hooks/orders' 'src=shop' 'x-shop' 'x-shop:north' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= //')`,
      `printf 'v2=%s' "$SIG"`,
    ].join('\n');
    const fromShell = execFileSync('sh', ['-c', script], { encoding: 'utf8' });
    expect(fromShell).toBe(signWebhook('whsec_k', { timestamp: 1_700_000_000, method: 'POST', path: '/hooks/orders', query: 'src=shop', headers: { 'x-shop': 'north' }, body: '{"order":1}' }));
  });
});
