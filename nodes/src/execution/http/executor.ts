import { resolveParams } from '@weft/schemas';
import { NodeError, type Compensate, type Execute, type NodeContext } from '../../context.js';
import definition, { CompensationRequest, type HttpAuth } from './definition.js';

/** Statuses worth another attempt: the server may answer differently next time. */
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Sends the request; 2xx/3xx succeed, retryable statuses retry, other 4xx fail for good. */
export const execute = (async (ctx, params, _input) => send(ctx, params, ctx.idempotencyKey)) satisfies Execute<typeof definition>;

/**
 * Undoes a completed call with the configured request, its templates resolved with the call's
 * output as `$output`. A 404 counts as undone: there is nothing left to remove.
 */
export const compensate: Compensate<typeof definition> = async (ctx, params, output) => {
  if (!params.compensation) return { skipped: 'no compensation request configured' };
  const resolved = CompensationRequest.safeParse(await resolveParams(params.compensation, { ...ctx.scope, output }));
  if (!resolved.success) throw new NodeError('InvalidParams', `compensation request: ${resolved.error.issues.map((i) => i.message).join('; ')}`, false);
  // The undo request authenticates as the call did.
  const request = definition.params.parse({ ...resolved.data, timeoutMs: params.timeoutMs, ...(params.auth ? { auth: params.auth } : {}) });
  try {
    return await send(ctx, request, `${ctx.idempotencyKey}:compensate`);
  } catch (e) {
    if (e instanceof NodeError && (e.details as { status?: number } | undefined)?.status === 404) return { status: 404, alreadyGone: true };
    throw e;
  }
};

type Params = Parameters<Execute<typeof definition>>[1];

/** Redirects followed while a credential header is held back from other origins. */
const MAX_REDIRECTS = 5;

/** A credential read for one request, and every form of it the request carries. */
interface Credential {
  /** The secret's value, to put on the request. */
  readonly value: string;
  /** What replaces it in the output and errors: `[secret:<name>]`. */
  readonly label: string;
  /** Header that carries it, dropped on a redirect to another origin. */
  readonly header?: string;
  /** The value, and what it becomes on the wire (base64 for basic, URL-encoded in a query). */
  readonly forms: readonly string[];
}

/** Sends the request; the secret in the output or error, in any form it was sent in, is replaced by `[secret:<name>]`. */
async function send(ctx: NodeContext, params: Params, idempotencyKey: string) {
  const credential = params.auth ? await readCredential(ctx, params.auth) : undefined;
  try {
    return hide(await sendWith(ctx, params, idempotencyKey, credential), credential);
  } catch (e) {
    if (credential && e instanceof NodeError) throw new NodeError(e.type, hide(e.message, credential), e.retryable, hide(e.details, credential));
    throw e;
  }
}

async function readCredential(ctx: NodeContext, auth: HttpAuth): Promise<Credential> {
  const value = await ctx.secret(auth.secret);
  const label = `[secret:${auth.secret}]`;
  const base = { value, label };
  if (auth.type !== 'query' && /[\r\n\0]/.test(value)) {
    throw new NodeError('InvalidSecret', `secret "${auth.secret}" cannot be sent in a header: it holds a line break or NUL character`, false);
  }
  const forms = new Set([value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2)]);
  switch (auth.type) {
    case 'bearer':
      return { ...base, header: 'authorization', forms: [...forms] };
    case 'basic':
      return { ...base, header: 'authorization', forms: [basicToken(auth.username, value), ...forms] };
    case 'header':
      return { ...base, header: auth.name.toLowerCase(), forms: [...forms] };
    case 'query':
      return { ...base, forms: [...forms] };
  }
}

/** Puts the credential on the request: a header, or a query parameter. */
function applyAuth(auth: HttpAuth, value: string, url: URL, headers: Headers): void {
  switch (auth.type) {
    case 'bearer':
      return headers.set('authorization', `Bearer ${value}`);
    case 'basic':
      return headers.set('authorization', `Basic ${basicToken(auth.username, value)}`);
    case 'header':
      return headers.set(auth.name, value);
    case 'query':
      return url.searchParams.set(auth.name, value);
  }
}

function basicToken(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`).toString('base64');
}

/** Replaces every form of the credential in every string of `value`. */
function hide<T>(value: T, credential: Credential | undefined): T {
  if (!credential) return value;
  const forms = credential.forms.filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
  const clean = (v: unknown): unknown => {
    if (typeof v === 'string') return forms.reduce((s, f) => (s.includes(f) ? s.split(f).join(credential.label) : s), v);
    if (Array.isArray(v)) return v.map(clean);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [clean(k) as string, clean(x)]));
    return v;
  };
  return clean(value) as T;
}

/**
 * Follows redirects itself while a credential rides in a header the fetch guard does not know
 * (`X-Api-Key`, …), so the header never reaches another origin; otherwise the guard follows.
 */
async function fetchFollowing(ctx: NodeContext, url: URL, init: RequestInit, credentialHeader: string | undefined): Promise<Response> {
  if (!credentialHeader || credentialHeader === 'authorization') return ctx.fetch(url, { ...init, redirect: 'follow' });
  let current = url;
  let request = init;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await ctx.fetch(current, { ...request, redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return res;
    await res.body?.cancel();
    const next = new URL(location, current);
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && request.method !== 'GET' && request.method !== 'HEAD')) {
      const { body: _body, ...rest } = request;
      request = { ...rest, method: 'GET' };
    }
    if (next.origin !== current.origin) {
      const headers = new Headers(request.headers);
      headers.delete(credentialHeader);
      return ctx.fetch(next, { ...request, headers, redirect: 'follow' });
    }
    current = next;
  }
  throw new NodeError('TooManyRedirects', `more than ${MAX_REDIRECTS} redirects from ${url.origin}`, false);
}

async function sendWith(ctx: NodeContext, params: Params, idempotencyKey: string, credential: Credential | undefined) {
  let url: URL;
  try {
    url = new URL(params.url);
  } catch {
    throw new NodeError('InvalidUrl', `"${params.url}" is not a valid URL`, false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new NodeError('InvalidUrl', `only http and https URLs are allowed, not ${url.protocol}`, false);
  }
  for (const [k, v] of Object.entries(params.query)) url.searchParams.append(k, v);

  const headers = new Headers(params.headers);
  headers.set('idempotency-key', idempotencyKey);
  if (params.auth && credential) applyAuth(params.auth, credential.value, url, headers);
  let body: string | undefined;
  if (params.body !== undefined && params.method !== 'GET' && params.method !== 'HEAD') {
    if (typeof params.body === 'string') body = params.body;
    else {
      body = JSON.stringify(params.body);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
  }

  // What was sent, for the run page: the credential in every form it took masked, the body as the params gave it.
  ctx.note({
    request: hide(
      { method: params.method, url: url.toString(), headers: Object.fromEntries(headers), ...(body === undefined ? {} : { body: params.body }) },
      credential,
    ),
  });

  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(params.timeoutMs)]);
  let res: Response;
  try {
    res = await fetchFollowing(ctx, url, { method: params.method, headers, body, signal }, credential?.header);
  } catch (e) {
    if (ctx.signal.aborted || e instanceof NodeError) throw e;
    const err = e as Error & { cause?: { code?: string } };
    const why = err.name === 'TimeoutError' ? `no answer within ${params.timeoutMs} ms` : (err.cause?.code ?? err.message);
    throw new NodeError('HttpRequestError', `${params.method} ${url.origin}${url.pathname} failed: ${why}`, true);
  }

  const text = params.method === 'HEAD' ? '' : await res.text();
  const type = res.headers.get('content-type') ?? '';
  let parsed: unknown = text;
  if (params.responseType === 'json' || (params.responseType === 'auto' && /\bjson\b/.test(type) && text !== '')) {
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      if (params.responseType === 'json') throw new NodeError('HttpResponseError', 'the response is not valid JSON', false);
    }
  }
  const output = { status: res.status, headers: Object.fromEntries(res.headers), body: parsed };
  if (res.status >= 400) {
    const retryable = RETRYABLE_STATUS.has(res.status);
    throw new NodeError('HttpStatusError', `${params.method} ${url.origin}${url.pathname} answered ${res.status}`, retryable, output);
  }
  return output;
}
