import { resolveParams } from '@weft/schemas';
import { NodeError, type Compensate, type Execute, type NodeContext } from '../../context.js';
import definition, { CompensationRequest } from './definition.js';

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
  const request = definition.params.parse({ ...resolved.data, timeoutMs: params.timeoutMs });
  try {
    return await send(ctx, request, `${ctx.idempotencyKey}:compensate`);
  } catch (e) {
    if (e instanceof NodeError && (e.details as { status?: number } | undefined)?.status === 404) return { status: 404, alreadyGone: true };
    throw e;
  }
};

type Params = Parameters<Execute<typeof definition>>[1];

async function send(ctx: NodeContext, params: Params, idempotencyKey: string) {
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
  let body: string | undefined;
  if (params.body !== undefined && params.method !== 'GET' && params.method !== 'HEAD') {
    if (typeof params.body === 'string') body = params.body;
    else {
      body = JSON.stringify(params.body);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
  }

  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(params.timeoutMs)]);
  let res: Response;
  try {
    res = await ctx.fetch(url, { method: params.method, headers, body, signal, redirect: 'follow' });
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
