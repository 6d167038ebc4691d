import { describe, expect, it } from 'vitest';
import { exampleBody, shellQuote, webhookCurl, webhookInputShape, webhookUrl } from './webhook-curl';

describe('webhookCurl', () => {
  it('builds the public URL from the origin and path', () => {
    expect(webhookUrl('http://localhost:3000/', 'orders')).toBe('http://localhost:3000/hooks/orders');
  });

  it('quotes values for the shell', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('signs the v2 lines (timestamp, method, path, empty query and header names, body) with HMAC-SHA256 and sends both headers', () => {
    const snippet = webhookCurl('http://x/hooks/a', 'whsec_abc', '{"n":1}');
    expect(snippet).toContain(`SECRET='whsec_abc'`);
    expect(snippet).toContain(`BODY='{"n":1}'`);
    expect(snippet).toContain(`HOOK_PATH='/hooks/a'`);
    expect(snippet).toContain(`printf 'v2\\n%s\\nPOST\\n%s\\n\\n\\n%s' "$TS" "$HOOK_PATH" "$BODY" | openssl dgst -sha256 -hmac "$SECRET"`);
    expect(snippet).toContain('-H "X-Weft-Timestamp: $TS"');
    expect(snippet).toContain('-H "X-Weft-Signature: v2=$SIG"');
    expect(snippet).toContain(`curl -sS -X POST 'http://x/hooks/a'`);
    // Sent byte for byte, as signed (--data would drop line breaks read from a file).
    expect(snippet).toContain('--data-binary "$BODY"');
  });

  it('falls back to an environment variable without the secret', () => {
    expect(webhookCurl('http://x/hooks/a', null)).toContain('SECRET="$WEFT_WEBHOOK_SECRET"');
  });
});

describe('the input of a webhook run', () => {
  it('is the body unless the trigger asks for the whole request', () => {
    expect(webhookInputShape({ nodes: [{ type: 'control.trigger' }] })).toBe('body');
    expect(webhookInputShape({ nodes: [{ type: 'control.trigger', params: { webhookInput: 'request' } }] })).toBe('request');
  });

  it('has an example body with every declared field', () => {
    expect(exampleBody(undefined)).toBe('{"hello":"world"}');
    expect(JSON.parse(exampleBody({ properties: { email: { type: 'string', examples: ['ada@example.com'] }, amount: { type: 'number' } } }))).toEqual({ email: 'ada@example.com', amount: 1 });
  });
});
