import { describeDestination, secretDestinationRefusal } from './hosts.js';
import { NodeError } from '../context.js';

/**
 * The error for a secret that may not go to `destination`, or `undefined` when one of its hosts
 * allows it (see `SecretHostPattern` in `@weft/schemas`). `hosts` is `null` for a secret stored
 * before secrets were bound to hosts: it may go nowhere. Non-retryable: a retry cannot change
 * the binding. The message and details name the secret and the destination, never the value.
 */
export function secretNotAllowed(name: string, hosts: readonly string[] | null, destination: URL): NodeError | undefined {
  const why = secretDestinationRefusal(name, hosts, destination);
  if (why === undefined) return undefined;
  return new NodeError('SecretNotAllowed', why, false, { secret: name, host: destination.host, destination: describeDestination(destination) });
}

/** Options of {@link fetchWithSecret}. */
export interface SecretFetchOptions {
  /** Checks that the secret may go to a URL; throws (`SecretNotAllowed`) when it may not. Called before every request and redirect hop. */
  readonly allowed: (destination: URL) => Promise<unknown>;
  /** The header carrying the secret: kept on a redirect to another origin the secret is bound to. */
  readonly credentialHeader?: string;
  /** Redirects followed at most. */
  readonly maxRedirects?: number;
}

/** Headers that never follow a redirect to another origin unless they carry the bound secret. */
const CROSS_ORIGIN_DROPPED = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * A `fetch` for requests that carry a secret: checks the destination before the request and
 * before every redirect hop, and follows redirects itself, so the secret never reaches a host it
 * is not bound to — a redirect elsewhere fails with the checker's error instead of being followed.
 * A caller asking for `redirect: 'manual'` or `'error'` gets the redirect back unfollowed, after the check.
 * @example const res = await fetchWithSecret(ctx.fetch, { allowed: (u) => ctx.secret('TOKEN', u) })(url, init);
 */
export function fetchWithSecret(inner: typeof fetch, options: SecretFetchOptions): typeof fetch {
  const maxRedirects = options.maxRedirects ?? 5;
  const keep = options.credentialHeader?.toLowerCase();
  const bound = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (input instanceof Request) throw new TypeError('fetchWithSecret takes a URL and options, not a Request');
    let url = new URL(input);
    await options.allowed(url);
    if (init.redirect === 'manual' || init.redirect === 'error') return inner(url, init);
    let request: RequestInit = { ...init };
    for (let hop = 0; ; hop++) {
      const res = await inner(url, { ...request, redirect: 'manual' });
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return res;
      if (hop >= maxRedirects) {
        await res.body?.cancel();
        throw new NodeError('TooManyRedirects', `more than ${maxRedirects} redirects from ${url.origin}`, false);
      }
      await res.body?.cancel();
      const next = new URL(location, url);
      // Checked before anything is sent there.
      await options.allowed(next);
      if (next.origin !== url.origin && request.headers) {
        const headers = new Headers(request.headers);
        for (const h of CROSS_ORIGIN_DROPPED) if (h !== keep) headers.delete(h);
        request = { ...request, headers };
      }
      // 303 (and 301/302 after a POST) turn into a GET without a body, as browsers do.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && request.method && request.method !== 'GET' && request.method !== 'HEAD')) {
        const { body: _body, ...rest } = request;
        request = { ...rest, method: 'GET' };
      }
      url = next;
    }
  };
  return bound as typeof fetch;
}
