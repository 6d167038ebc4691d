/** Quotes a value for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A shell snippet that signs `body` as the server checks it (HMAC-SHA256 over
 * `${timestamp}.${body}`, hex, in `X-Weft-Signature: sha256=…`) with openssl and posts it.
 * Without a secret it reads `$WEFT_WEBHOOK_SECRET`.
 */
export function webhookCurl(url: string, secret: string | null, body = '{"hello":"world"}'): string {
  return [
    `SECRET=${secret === null ? '"$WEFT_WEBHOOK_SECRET"' : shellQuote(secret)}`,
    `BODY=${shellQuote(body)}`,
    'TS=$(date +%s)',
    `SIG=$(printf '%s.%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= //')`,
    `curl -sS -X POST ${shellQuote(url)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H "X-Weft-Timestamp: $TS" \\`,
    `  -H "X-Weft-Signature: sha256=$SIG" \\`,
    `  --data "$BODY"`,
  ].join('\n');
}

/** The public URL of a webhook path on this origin. */
export function webhookUrl(origin: string, path: string): string {
  return `${origin.replace(/\/+$/, '')}/hooks/${path}`;
}
