import { describe, expect, it } from 'vitest';
import { canonicalSecretHosts, parseSecretHost, SecretHosts, secretDestinationRefusal, secretHostAllows } from './hosts.js';

/** Whether a secret bound to `hosts` may be sent to `url`. */
const allows = (hosts: string[], url: string) => secretDestinationRefusal('TOKEN', hosts, new URL(url)) === undefined;

describe('secret hosts', () => {
  it('allows only https on the default port to a bare host name', () => {
    expect(allows(['api.example.com'], 'https://api.example.com/v1/orders?x=1')).toBe(true);
    expect(allows(['api.example.com'], 'https://api.example.com:443/')).toBe(true);
    expect(allows(['api.example.com'], 'http://api.example.com/')).toBe(false);
    expect(allows(['api.example.com'], 'https://api.example.com:8443/')).toBe(false);
    expect(allows(['api.example.com'], 'https://example.com/')).toBe(false);
    expect(allows(['api.example.com'], 'https://api.example.com.evil.com/')).toBe(false);
    expect(allows(['api.example.com'], 'https://evilapi.example.com/')).toBe(false);
  });

  it('allows plain http only where the pattern says http://, on its own default port', () => {
    expect(allows(['http://127.0.0.1:8080'], 'http://127.0.0.1:8080/x')).toBe(true);
    expect(allows(['http://127.0.0.1:8080'], 'https://127.0.0.1:8080/x')).toBe(false);
    expect(allows(['http://api.example.com'], 'http://api.example.com:80/')).toBe(true);
    expect(allows(['http://api.example.com'], 'http://api.example.com:443/')).toBe(false);
    expect(allows(['HTTPS://API.example.com'], 'https://api.example.com/')).toBe(true);
  });

  it('matches a port only when it is the one named', () => {
    expect(allows(['api.example.com:8443'], 'https://api.example.com:8443/')).toBe(true);
    expect(allows(['api.example.com:8443'], 'https://api.example.com/')).toBe(false);
    expect(allows(['api.example.com:443'], 'https://api.example.com/')).toBe(true);
  });

  it('lets a wildcard stand for exactly one label', () => {
    expect(allows(['*.example.com'], 'https://api.example.com/')).toBe(true);
    expect(allows(['*.example.com'], 'https://API.Example.COM/')).toBe(true);
    expect(allows(['*.example.com'], 'https://example.com/')).toBe(false);
    expect(allows(['*.example.com'], 'https://a.b.example.com/')).toBe(false);
    expect(allows(['*.example.com'], 'https://example.com.evil.com/')).toBe(false);
    expect(allows(['*.example.com'], 'https://evilexample.com/')).toBe(false);
    expect(allows(['*.example.com:8443'], 'https://api.example.com:8443/')).toBe(true);
    expect(allows(['*.example.com:8443'], 'https://api.example.com/')).toBe(false);
  });

  it('matches path prefixes on whole segments of the normalised path', () => {
    expect(allows(['api.example.com/v1'], 'https://api.example.com/v1')).toBe(true);
    expect(allows(['api.example.com/v1'], 'https://api.example.com/v1/orders')).toBe(true);
    expect(allows(['api.example.com/v1'], 'https://api.example.com/v10')).toBe(false);
    expect(allows(['api.example.com/v1/'], 'https://api.example.com/v1/orders')).toBe(true);
    expect(allows(['api.example.com/v1/'], 'https://api.example.com/v1')).toBe(false);
    expect(allows(['api.example.com/v1/'], 'https://api.example.com/V1/orders')).toBe(false);
    expect(allows(['api.example.com/v1/'], 'https://api.example.com/v1/../admin')).toBe(false);
    expect(allows(['api.example.com/v1/'], 'https://api.example.com/v1/%2e%2e/admin')).toBe(false);
    expect(allows(['api.example.com/v1/'], 'https://api.example.com/v1\\..\\admin')).toBe(false);
    expect(allows(['api.example.com/v1/'], 'https://api.example.com/v1/..%2fadmin')).toBe(false);
    expect(allows(['api.example.com/v1/'], 'https://api.example.com/v1/a%5C..%5C..%5Cadmin')).toBe(false);
  });

  it('ignores a trailing dot and letter case in host names', () => {
    expect(allows(['api.example.com'], 'https://api.example.com./')).toBe(true);
    expect(allows(['api.example.com.'], 'https://api.example.com/')).toBe(true);
    expect(allows(['API.EXAMPLE.COM'], 'https://Api.Example.Com/')).toBe(true);
    expect(allows(['api.example.com'], 'https://api.example.com../')).toBe(false);
  });

  it('judges the real host, not userinfo that looks like one', () => {
    expect(allows(['api.example.com'], 'https://api.example.com@evil.com/')).toBe(false);
    expect(allows(['api.example.com'], 'https://api.example.com:443@evil.com/')).toBe(false);
    // An encoded @ is no host at all: such a URL never gets as far as the check.
    expect(() => new URL('https://api.example.com%40evil.com/')).toThrow();
    expect(allows(['api.example.com'], 'https://user:pw@api.example.com/')).toBe(true);
    expect(allows(['evil.com'], 'https://evil.com#@api.example.com/')).toBe(true);
    expect(allows(['api.example.com'], 'https://evil.com#@api.example.com/')).toBe(false);
    expect(allows(['api.example.com'], 'https://evil.com\\@api.example.com/')).toBe(false);
  });

  it('compares international names in their punycode form', () => {
    expect(allows(['bücher.example'], 'https://xn--bcher-kva.example/')).toBe(true);
    expect(allows(['xn--bcher-kva.example'], 'https://bücher.example/')).toBe(true);
    expect(allows(['BÜCHER.example'], 'https://bücher.example/')).toBe(true);
    expect(allows(['*.bücher.example'], 'https://api.xn--bcher-kva.example/')).toBe(true);
    // A look-alike Cyrillic "а" is another host.
    expect(allows(['api.example.com'], 'https://\u0430pi.example.com/')).toBe(false);
  });

  it('matches IP addresses in any spelling the URL parser normalises', () => {
    expect(allows(['http://127.0.0.1:8080'], 'http://0x7f.1:8080/')).toBe(true);
    expect(allows(['[::1]:8443'], 'https://[0:0::1]:8443/')).toBe(true);
    expect(allows(['[::1]'], 'https://127.0.0.1/')).toBe(false);
  });

  it('refuses every destination of a secret stored before bindings, saying how to bind it', () => {
    const why = secretDestinationRefusal('OLD_KEY', null, new URL('https://api.example.com/v1?key=x'));
    expect(why).toContain('secret "OLD_KEY" is not bound to any host');
    expect(why).toContain('https://api.example.com/v1');
    expect(why).not.toContain('key=x');
    expect(why).toContain('weft secrets hosts OLD_KEY --host');
    expect(why).toContain('PUT /api/secrets/OLD_KEY {"hosts": ["<host>"]}');
  });

  it('names the secret, the destination and its hosts when it refuses, never the query or userinfo', () => {
    const why = secretDestinationRefusal('TOKEN', ['api.example.com', '*.example.org'], new URL('https://u:p@evil.com:8443/steal?t=tok'))!;
    expect(why).toBe(
      'secret "TOKEN" may not be sent to https://evil.com:8443/steal: it is bound to api.example.com, *.example.org; to allow this destination, an admin adds it to the secret\'s hosts on the Secrets page, with `weft secrets hosts TOKEN --host <host>`, or with PUT /api/secrets/TOKEN {"hosts": ["<host>"]}',
    );
  });

  it('refuses patterns that are not a host, saying why', () => {
    for (const bad of ['', ' ', 'ftp://api.example.com', 'https://a@b.com', 'api.example.com?x', 'api.example.com#x', '*.com', '*', 'a.*.example.com', '*.127.0.0.1', 'api.example.com/v1/../x', 'exa mple.com', 'api.example.com\u0000', 'api.example.com:99999', '//x']) {
      expect(() => parseSecretHost(bad), bad).toThrow();
    }
    expect(SecretHosts.safeParse([]).success).toBe(false);
    const parsed = SecretHosts.safeParse(['api.example.com', 'https://x@evil.com']);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]).toMatchObject({ path: [1] });
  });

  it('stores patterns in one canonical spelling', () => {
    expect(canonicalSecretHosts(['HTTPS://API.Example.com:443', 'api.example.com', 'http://bücher.example:80/v1/', '*.Example.COM.:8443', '[0:0::1]'])).toEqual([
      'api.example.com',
      'http://xn--bcher-kva.example/v1/',
      '*.example.com:8443',
      '[::1]',
    ]);
  });

  it('checks one pattern directly', () => {
    expect(secretHostAllows(parseSecretHost('api.example.com/v1/'), new URL('https://api.example.com/v1/x'))).toBe(true);
  });
});
