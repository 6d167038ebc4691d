import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import { NodeError } from '../context.js';
import { AllowList, blockedReason } from './address-policy.js';

/** Options of the guarded fetch. */
export interface GuardedFetchOptions {
  /** Hosts and networks reachable despite the guard (`127.0.0.1`, `api.internal:8443`, `10.1.0.0/16`). */
  readonly allow?: readonly string[];
  /** Redirects followed at most (each hop checked again). */
  readonly maxRedirects?: number;
  /** Resolver, for tests; the system resolver by default. */
  readonly lookup?: typeof dnsLookup;
}

/** Raised when the guard refuses a destination; never retried. */
export function refused(message: string): NodeError {
  return new NodeError('SsrfBlocked', message, false);
}

/**
 * `fetch` that refuses loopback, private, link-local (cloud metadata), reserved and multicast
 * destinations, in every spelling (decimal, octal and hex IPv4 are normalised by the URL parser;
 * IPv6 forms carrying an IPv4 address are judged by it or refused, see {@link blockedReason}).
 * Hostnames are checked after DNS resolution, and the connection goes to the address that was
 * checked, so a name cannot rebind between check and connect. A host allow-listed by name
 * (`localhost`, `api.internal:8443`) is reached wherever it resolves; other names resolving to
 * the same address are not. Redirects are followed by hand, each hop checked like the first.
 */
export function createGuardedFetch(options: GuardedFetchOptions = {}): typeof fetch {
  const allow = new AllowList(options.allow ?? []);
  const resolve = options.lookup ?? dnsLookup;
  const maxRedirects = options.maxRedirects ?? 5;

  const guardedLookup: LookupFunction = (hostname, opts, callback) => {
    resolve(hostname, { ...opts, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = (Array.isArray(addresses) ? addresses : [{ address: String(addresses), family: 4 }]) as LookupAddress[];
      const allowed = list.filter((a) => allow.allowsAddress(a.address) || blockedReason(a.address) === undefined);
      if (allowed.length === 0) {
        const why = list.map((a) => blockedReason(a.address)).find(Boolean) ?? 'no address';
        return callback(refused(`${hostname} resolves to a blocked address: ${why}`), '', 4);
      }
      if ((opts as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
  const guardedAgent = new Agent({ connect: { lookup: guardedLookup } });
  // Hosts allow-listed by name may resolve anywhere (`localhost:8080`). The decision is made on the
  // name (and port) the URL asked for, and undici pools connections per origin, so a connection
  // made through this agent only ever serves that allowed origin: another name resolving to the
  // same address still goes through the guarded agent and is refused.
  const allowedByNameAgent = new Agent(options.lookup ? { connect: { lookup: options.lookup as unknown as LookupFunction } } : {});

  /** The agent a URL is fetched through, or a refusal. */
  const check = (url: URL): Agent => {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused(`only http and https may be fetched, not ${url.protocol}`);
    if (allow.allowsHost(url.hostname, url.port || (url.protocol === 'https:' ? '443' : '80'))) return allowedByNameAgent;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0 && !allow.allowsAddress(host)) {
      const why = blockedReason(host);
      if (why) throw refused(`${url.host} is not reachable: ${why}`);
    }
    if (host === 'localhost' || host.endsWith('.localhost')) throw refused(`${url.host} is not reachable: loopback`);
    return guardedAgent;
  };

  const guarded = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    let url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    let request: RequestInit = { ...init };
    const follow = (init.redirect ?? 'follow') === 'follow';
    for (let hop = 0; ; hop++) {
      const dispatcher = check(url);
      let res: Response;
      try {
        res = (await undiciFetch(url, { ...(request as object), redirect: 'manual', dispatcher } as never)) as unknown as Response;
      } catch (e) {
        // A refusal at connect time (the name resolved to a blocked address) arrives wrapped.
        const cause = (e as { cause?: unknown }).cause;
        throw cause instanceof NodeError ? cause : e;
      }
      const location = res.headers.get('location');
      if (!follow || res.status < 300 || res.status >= 400 || !location) return res;
      if (hop >= maxRedirects) throw new NodeError('TooManyRedirects', `more than ${maxRedirects} redirects from ${url.origin}`, false);
      await res.body?.cancel();
      const next = new URL(location, url);
      // Credentials never follow a redirect to another origin.
      if (next.origin !== url.origin && request.headers) {
        const headers = new Headers(request.headers);
        for (const h of ['authorization', 'cookie', 'proxy-authorization']) headers.delete(h);
        request = { ...request, headers };
      }
      url = next;
      // 303 (and 301/302 after a POST) turn into a GET without a body, as browsers do.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && request.method && request.method !== 'GET' && request.method !== 'HEAD')) {
        const { body: _body, ...rest } = request;
        request = { ...rest, method: 'GET' };
      }
    }
  };
  return guarded as typeof fetch;
}
