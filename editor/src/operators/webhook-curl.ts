/** Quotes a value for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A shell snippet that signs a call as the server checks it (v2: HMAC-SHA256, hex, of the lines
 * `v2`, timestamp, method, path, query, signed header names, one line per signed header, body;
 * here no query and no signed headers) with openssl and posts it with `X-Weft-Signature: v2=…`.
 * Without a secret it reads `$WEFT_WEBHOOK_SECRET`.
 */
export function webhookCurl(url: string, secret: string | null, body = '{"hello":"world"}'): string {
  return [
    `SECRET=${secret === null ? '"$WEFT_WEBHOOK_SECRET"' : shellQuote(secret)}`,
    `BODY=${shellQuote(body)}`,
    `HOOK_PATH=${shellQuote(new URL(url).pathname)}`,
    'TS=$(date +%s)',
    // Empty lines: the query and the signed header names.
    `SIG=$(printf 'v2\\n%s\\nPOST\\n%s\\n\\n\\n%s' "$TS" "$HOOK_PATH" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= //')`,
    `curl -sS -X POST ${shellQuote(url)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H "X-Weft-Timestamp: $TS" \\`,
    `  -H "X-Weft-Signature: v2=$SIG" \\`,
    `  --data-binary "$BODY"`,
  ].join('\n');
}

/** The public URL of a webhook path on this origin. */
export function webhookUrl(origin: string, path: string): string {
  return `${origin.replace(/\/+$/, '')}/hooks/${path}`;
}

/** What a webhook call makes the run input, as its workflow's trigger says. */
export type WebhookInputShape = 'body' | 'request';

/** The shape the workflow's trigger asks for: the body unless it says the whole request. */
export function webhookInputShape(doc: { readonly nodes: readonly { readonly type: string; readonly params?: Readonly<Record<string, unknown>> }[] }): WebhookInputShape {
  const trigger = doc.nodes.find((n) => n.type === 'control.trigger');
  return trigger?.params?.['webhookInput'] === 'request' ? 'request' : 'body';
}

/**
 * A JSON body a webhook call may send: each declared input field with its example (or a value of
 * its type), so the curl example starts a run the workflow accepts.
 */
export function exampleBody(inputSchema: Readonly<Record<string, unknown>> | undefined): string {
  const properties = inputSchema?.['properties'];
  if (!properties || typeof properties !== 'object') return '{"hello":"world"}';
  const body: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(properties as Record<string, Record<string, unknown>>)) {
    const examples = Array.isArray(p['examples']) ? (p['examples'] as unknown[]) : [];
    body[name] = examples.length > 0 ? examples[0] : SAMPLE[String(p['type'])] ?? 'example';
  }
  return JSON.stringify(body);
}

const SAMPLE: Readonly<Record<string, unknown>> = { string: 'example', number: 1, integer: 1, boolean: true, array: [], object: {} };
