import { z } from 'zod';

/**
 * One destination a stored secret may be sent to, parsed. Written as
 * `[http://|https://]host[:port][/path-prefix]`:
 * - no scheme means `https` only; `http://` allows plain `http` only (list both to allow both);
 * - `host` is a DNS name (case-insensitive; a trailing dot ignored; international names compared
 *   in their punycode form), an IPv4 address or a bracketed IPv6 address;
 * - `*.example.com` allows exactly one more label (`api.example.com`), as in TLS certificates: not
 *   `example.com`, not `a.b.example.com`; the wildcard needs at least two labels after it;
 * - without a port only the scheme's default (443, or 80 for `http://`) is allowed;
 * - a path prefix is matched on whole segments of the normalised path (`/v1` allows `/v1` and
 *   `/v1/x`, not `/v10`; `/v1/` allows `/v1/x` only), case-sensitively.
 * The host is matched as the URL names it, never on what it resolves to.
 */
export interface SecretHostPattern {
  readonly scheme: 'https' | 'http';
  /** Lower-case, punycode, without a trailing dot; IPv6 in brackets. Without the `*.` of a wildcard. */
  readonly host: string;
  readonly wildcard: boolean;
  /** The port as a string, the scheme's default when the pattern names none. */
  readonly port: string;
  /** The path prefix, normalised; absent when any path is allowed. */
  readonly path?: string;
}

const DEFAULT_PORT = { https: '443', http: '80' } as const;

/** What a pattern cannot hold: whitespace, control characters, userinfo, query, fragment, backslashes. */
const FORBIDDEN = /[\s\p{Cc}@?#\\]/u;

/**
 * Parses a secret's destination pattern; throws an `Error` saying plainly what is wrong.
 * @example parseSecretHost('*.example.com:8443') // { scheme: 'https', host: 'example.com', wildcard: true, port: '8443' }
 */
export function parseSecretHost(pattern: string): SecretHostPattern {
  const text = pattern.trim();
  if (text === '') throw new Error('a host cannot be empty');
  if (FORBIDDEN.test(text)) throw new Error(`"${pattern}" is not a host: it may not hold spaces, "@", "?", "#" or "\\" (write host[:port][/path])`);
  let scheme: 'https' | 'http' = 'https';
  let rest = text;
  const withScheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (withScheme) {
    const s = withScheme[1]!.toLowerCase();
    if (s !== 'https' && s !== 'http') throw new Error(`"${pattern}": only https:// (the default) or http:// may be given, not ${s}://`);
    scheme = s;
    rest = text.slice(withScheme[0].length);
  } else if (text.includes('://')) {
    throw new Error(`"${pattern}" is not a host: write host[:port][/path], optionally after https:// or http://`);
  }
  const slash = rest.indexOf('/');
  let authority = slash === -1 ? rest : rest.slice(0, slash);
  const rawPath = slash === -1 ? undefined : rest.slice(slash);
  const wildcard = authority.startsWith('*.');
  if (wildcard) authority = authority.slice(2);
  if (authority.includes('*')) throw new Error(`"${pattern}": a wildcard may only be the first label, as in *.example.com`);
  if (authority === '') throw new Error(`"${pattern}" names no host`);
  let url: URL;
  try {
    url = new URL(`${scheme}://${authority}/`);
  } catch {
    throw new Error(`"${pattern}" is not a host name, IP address or host:port`);
  }
  if (url.pathname !== '/' || url.username !== '' || url.password !== '') throw new Error(`"${pattern}" is not a host name, IP address or host:port`);
  const host = normalHost(url.hostname);
  if (host === '') throw new Error(`"${pattern}" names no host`);
  if (wildcard) {
    if (host.startsWith('[') || /^\d+(\.\d+){3}$/.test(host)) throw new Error(`"${pattern}": a wildcard needs a host name, not an IP address`);
    if (!host.includes('.')) throw new Error(`"${pattern}": a wildcard needs at least two labels after it (*.example.com, not *.com)`);
  }
  let path: string | undefined;
  if (rawPath !== undefined && rawPath !== '/') {
    path = new URL(rawPath, 'https://x').pathname;
    if (path !== rawPath) throw new Error(`"${pattern}": write the path prefix as a plain path (no "." or ".." segments, special characters percent-encoded): ${path}`);
  }
  return { scheme, host, wildcard, port: url.port || DEFAULT_PORT[scheme], ...(path === undefined ? {} : { path }) };
}

/** A pattern in its canonical spelling, as stored and listed: `api.example.com`, `http://*.example.com:8080/v1/`. */
export function formatSecretHost(p: SecretHostPattern): string {
  const port = p.port === DEFAULT_PORT[p.scheme] ? '' : `:${p.port}`;
  return `${p.scheme === 'http' ? 'http://' : ''}${p.wildcard ? '*.' : ''}${p.host}${port}${p.path ?? ''}`;
}

/** Whether the pattern allows sending a secret to `url`. */
export function secretHostAllows(p: SecretHostPattern, url: URL): boolean {
  if (url.protocol !== `${p.scheme}:`) return false;
  const host = normalHost(url.hostname);
  if (p.wildcard) {
    if (!host.endsWith(`.${p.host}`)) return false;
    const label = host.slice(0, -p.host.length - 1);
    if (label === '' || label.includes('.')) return false;
  } else if (host !== p.host) return false;
  if ((url.port || DEFAULT_PORT[p.scheme]) !== p.port) return false;
  if (p.path === undefined) return true;
  // An encoded separator may be decoded by the server into a path outside the prefix.
  if (/%2f|%5c/i.test(url.pathname)) return false;
  return p.path.endsWith('/') ? url.pathname.startsWith(p.path) : url.pathname === p.path || url.pathname.startsWith(`${p.path}/`);
}

/**
 * Why a secret may not be sent to `destination`, in plain words naming the secret and the
 * destination (never the value); `undefined` when one of its hosts allows it. `hosts` is `null`
 * for a secret stored before secrets were bound to hosts: it goes nowhere until an admin binds it.
 */
export function secretDestinationRefusal(name: string, hosts: readonly string[] | null, destination: URL): string | undefined {
  const where = describeDestination(destination);
  const howToBind = `an admin binds it on the Secrets page, with \`weft secrets hosts ${name} --host <host>\`, or with PUT /api/secrets/${name} {"hosts": ["<host>"]}`;
  if (hosts === null || hosts.length === 0) {
    return `secret "${name}" is not bound to any host, so it may not be sent to ${where} or anywhere else: it was stored before secrets were bound to hosts; ${howToBind}`;
  }
  const patterns = hosts.flatMap((h) => {
    try {
      return [parseSecretHost(h)];
    } catch {
      return [];
    }
  });
  if (patterns.some((p) => secretHostAllows(p, destination))) return undefined;
  return `secret "${name}" may not be sent to ${where}: it is bound to ${hosts.join(', ')}; to allow this destination, ${howToBind.replace('binds it', 'adds it to the secret\'s hosts')}`;
}

/** `https://host:port/path`, without userinfo, query or fragment (a redirect may put a credential there). */
export function describeDestination(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function normalHost(hostname: string): string {
  const h = hostname.toLowerCase();
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** One destination pattern of a secret (see {@link SecretHostPattern}). */
export const SecretHost = z
  .string()
  .max(300, 'a host is at most 300 characters')
  .superRefine((v, ctx) => {
    try {
      parseSecretHost(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  })
  .meta({
    title: 'Host',
    description: 'Where the secret may be sent: [http://]host[:port][/path-prefix]; https unless http:// is written; *.example.com allows one more label',
    examples: ['api.example.com', '*.example.com', 'api.example.com:8443', 'api.example.com/v1/', 'http://127.0.0.1:8080'],
  });
export type SecretHost = z.infer<typeof SecretHost>;

/** The destinations a secret is bound to: at least one. */
export const SecretHosts = z
  .array(SecretHost)
  .min(1, 'a secret needs at least one host it may be sent to')
  .max(50, 'a secret has at most 50 hosts')
  .meta({ title: 'Hosts', description: 'The only destinations the secret is ever sent to; every request and every redirect hop is checked' });
export type SecretHosts = z.infer<typeof SecretHosts>;

/** Hosts in canonical spelling, duplicates removed, in the order given. Throws on an invalid one. */
export function canonicalSecretHosts(hosts: readonly string[]): string[] {
  return [...new Set(hosts.map((h) => formatSecretHost(parseSecretHost(h))))];
}
