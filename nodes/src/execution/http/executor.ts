import { NodeError, type Compensate, type Execute, type NodeContext } from '../../context.js';
import { fetchWithSecret } from '../../secrets/binding.js';
import { secretForms } from '../../secrets/forms.js';
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
  const resolved = CompensationRequest.safeParse(await ctx.sandbox.resolve(params.compensation, { ...ctx.scope, output }));
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

/** Redirects followed at most; with a credential, every hop must be a host the secret is bound to. */
const MAX_REDIRECTS = 5;

/** A credential read for one request, and every form of it the request carries. */
interface Credential {
  /** The secret's name. */
  readonly name: string;
  /** The secret's value, to put on the request. */
  readonly value: string;
  /** What replaces it in the output and errors: `[secret:<name>]`. */
  readonly label: string;
  /** Header that carries it, kept on a redirect to another origin the secret is bound to. */
  readonly header?: string;
  /** The value, what it becomes on the wire (base64 for basic, URL-encoded in a query) and how an echo may spell it. */
  readonly forms: readonly string[];
}

/** Sends the request; the secret in the output or error, in any form it was sent in, is replaced by `[secret:<name>]`. */
async function send(ctx: NodeContext, params: Params, idempotencyKey: string) {
  const url = requestUrl(params);
  // Read for this URL: the secret's binding is checked before anything is sent.
  const credential = params.auth ? await readCredential(ctx, params.auth, url) : undefined;
  try {
    return hide(await sendWith(ctx, params, url, idempotencyKey, credential), credential);
  } catch (e) {
    if (credential && e instanceof NodeError) throw new NodeError(e.type, hide(e.message, credential), e.retryable, hide(e.details, credential));
    throw e;
  }
}

async function readCredential(ctx: NodeContext, auth: HttpAuth, url: URL): Promise<Credential> {
  const value = await ctx.secret(auth.secret, url);
  const label = `[secret:${auth.secret}]`;
  const base = { name: auth.secret, value, label };
  if (auth.type !== 'query' && /[\r\n\0]/.test(value)) {
    throw new NodeError('InvalidSecret', `secret "${auth.secret}" cannot be sent in a header: it holds a line break or NUL character`, false);
  }
  const forms = secretForms(value);
  switch (auth.type) {
    case 'bearer':
      return { ...base, header: 'authorization', forms };
    case 'basic':
      return { ...base, header: 'authorization', forms: [basicToken(auth.username, value), ...forms] };
    case 'header':
      return { ...base, header: auth.name.toLowerCase(), forms };
    case 'query':
      return { ...base, forms };
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
 * Fetches the request. With a credential, redirects are followed here and every hop is checked
 * against the secret's hosts first: a redirect to a host it is not bound to fails the node
 * (`SecretNotAllowed`) and nothing is sent there. Without one, the fetch guard follows.
 */
function fetchRequest(ctx: NodeContext, url: URL, init: RequestInit, credential: Credential | undefined): Promise<Response> {
  if (!credential) return ctx.fetch(url, { ...init, redirect: 'follow' });
  const allowed = (destination: URL) => ctx.secret(credential.name, destination);
  return fetchWithSecret(ctx.fetch, { allowed, maxRedirects: MAX_REDIRECTS, ...(credential.header ? { credentialHeader: credential.header } : {}) })(url, { ...init, redirect: 'follow' });
}

/** The URL the params name, with their query parameters added. */
function requestUrl(params: Params): URL {
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
  return url;
}

async function sendWith(ctx: NodeContext, params: Params, url: URL, idempotencyKey: string, credential: Credential | undefined) {
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
    res = await fetchRequest(ctx, url, { method: params.method, headers, body, signal }, credential);
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
