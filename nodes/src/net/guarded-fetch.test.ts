import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockedReason } from './address-policy.js';
import { createGuardedFetch } from './guarded-fetch.js';

let server: Server;
let port = 0;
let hits = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    const u = new URL(req.url!, 'http://x');
    if (u.pathname === '/redirect') {
      res.writeHead(302, { location: u.searchParams.get('to')! });
      return void res.end();
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello from ${req.headers.host}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A resolver that knows a few names, as DNS would answer them. */
const fakeDns = (table: Record<string, string[]>) =>
  ((hostname: string, opts: unknown, cb: (e: Error | null, a: LookupAddress[]) => void) => {
    const found = table[hostname];
    if (!found) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    cb(null, found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  }) as never;

describe('address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.1.2', 'loopback range'],
    ['10.1.2.3', 'RFC 1918'],
    ['172.16.0.1', 'RFC 1918'],
    ['172.31.255.255', 'RFC 1918'],
    ['192.168.1.1', 'RFC 1918'],
    ['169.254.169.254', 'cloud metadata (link-local)'],
    ['0.0.0.0', 'this network'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fc00::1', 'IPv6 unique local'],
    ['fd12:3456::1', 'IPv6 unique local'],
    ['fe80::1', 'IPv6 link-local'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 metadata'],
  ])('refuses %s (%s)', (address) => {
    expect(blockedReason(address)).toBeTruthy();
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (address) => {
    expect(blockedReason(address)).toBeUndefined();
  });

  // Issue 15, point 10: IPv6 transition forms, each in several textual spellings.
  it.each([
    ['::7f00:1', 'IPv4-compatible loopback'],
    ['::127.0.0.1', 'IPv4-compatible loopback, dotted'],
    ['0:0:0:0:0:0:7f00:1', 'IPv4-compatible loopback, expanded'],
    ['::a9fe:a9fe', 'IPv4-compatible metadata'],
    ['::169.254.169.254', 'IPv4-compatible metadata, dotted'],
    ['::8.8.8.8', 'IPv4-compatible, even of a public address (deprecated form)'],
    ['0:0:0:0:0:ffff:7f00:1', 'IPv4-mapped loopback, expanded'],
    ['::FFFF:127.0.0.1', 'IPv4-mapped loopback, upper case'],
    ['::ffff:0:7f00:1', 'IPv4-translated loopback'],
    ['::ffff:0:10.0.0.1', 'IPv4-translated private, dotted'],
    ['64:ff9b::7f00:1', 'NAT64 loopback'],
    ['64:ff9b::10.0.0.1', 'NAT64 private, dotted'],
    ['64:ff9b:0:0:0:0:c0a8:101', 'NAT64 private, expanded'],
    ['64:ff9b:1::a9fe:a9fe', 'NAT64 local-use'],
    ['64:ff9b:1:0:0:0:808:808', 'NAT64 local-use, expanded, public inside'],
    ['64:ff9b:1::8.8.8.8', 'NAT64 local-use, dotted'],
    ['2002:7f00:1::', '6to4 carrying loopback'],
    ['2002:a9fe:a9fe::1', '6to4 carrying metadata'],
    ['2002:c0a8:101:0:0:0:0:1', '6to4 carrying private, expanded'],
    ['2002:808:808::1', '6to4 carrying a public address (6to4 is refused whole)'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['2001::1', 'Teredo, compressed'],
    ['fec0::1', 'site-local'],
    ['FEC0:0:0:0:0:0:0:1', 'site-local, expanded upper case'],
    ['feff::1', 'site-local, top of the range'],
    ['fe80::1%eth0', 'link-local with a zone'],
  ])('refuses the IPv6 transition form %s (%s) with a reason', (address) => {
    expect(blockedReason(address)).toMatch(/ is (a|an|the) /);
  });

  it.each(['64:ff9b::808:808', '64:ff9b::8.8.8.8', '2001:4860:4860::8888', '2003::1'])('allows the public IPv6 address %s', (address) => {
    expect(blockedReason(address)).toBeUndefined();
  });

  it('says what an address is and, for a carrier, what it carries', () => {
    expect(blockedReason('::ffff:127.0.0.1')).toBe('::ffff:127.0.0.1 is an IPv4-mapped IPv6 address carrying a loopback, private, link-local or reserved IPv4 address (127.0.0.0/8)');
    expect(blockedReason('2002:a00:1::')).toBe('2002:a00:1:: is a 6to4 address (2002::/16, deprecated; it carries an IPv4 address)');
    expect(blockedReason('fec0::1')).toBe('fec0::1 is a site-local IPv6 address (deprecated)');
  });
});

describe('guarded fetch', () => {
  it.each([
    ['http://127.0.0.1:PORT/', 'plain loopback'],
    ['http://2130706433:PORT/', 'decimal'],
    ['http://0177.0.0.1:PORT/', 'octal'],
    ['http://0x7f.0.0.1:PORT/', 'hex'],
    ['http://127.1:PORT/', 'short form'],
    ['http://[::ffff:127.0.0.1]:PORT/', 'IPv4-mapped IPv6'],
    ['http://[::1]:PORT/', 'IPv6 loopback'],
    ['http://localhost:PORT/', 'localhost'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://0.0.0.0:PORT/', 'zero address'],
    ['http://[::7f00:1]:PORT/', 'IPv4-compatible loopback'],
    ['http://[::127.0.0.1]:PORT/', 'IPv4-compatible loopback, dotted'],
    ['http://[::a9fe:a9fe]/latest/meta-data/', 'IPv4-compatible metadata'],
    ['http://[::ffff:0:7f00:1]:PORT/', 'IPv4-translated loopback'],
    ['http://[64:ff9b::127.0.0.1]:PORT/', 'NAT64 loopback'],
    ['http://[64:ff9b:1::a9fe:a9fe]/', 'NAT64 local-use'],
    ['http://[2002:7f00:1::]:PORT/', '6to4 carrying loopback'],
    ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'Teredo'],
    ['http://[fec0::1]:PORT/', 'site-local'],
  ])('refuses %s (%s) without sending anything', async (url) => {
    const before = hits;
    const f = createGuardedFetch();
    await expect(f(url.replace('PORT', String(port)))).rejects.toMatchObject({ type: 'SsrfBlocked', retryable: false });
    expect(hits).toBe(before);
  });

  it('refuses a hostname that resolves to a private address', async () => {
    const f = createGuardedFetch({ lookup: fakeDns({ 'intranet.example': ['10.0.0.7'], 'sneaky.example': ['8.8.8.8', '127.0.0.1'] }) });
    await expect(f(`http://intranet.example:${port}/`)).rejects.toMatchObject({ type: 'SsrfBlocked', message: expect.stringContaining('10.0.0.7') });
  });

  it('reaches an allow-listed host, and refuses its redirect to 127.0.0.1', async () => {
    const f = createGuardedFetch({ allow: [`127.0.0.1:${port}`] });
    const ok = await f(`http://127.0.0.1:${port}/hello`);
    expect(await ok.text()).toBe(`hello from 127.0.0.1:${port}`);
    // The same server, allowed on its port only, redirecting to another loopback port:
    await expect(f(`http://127.0.0.1:${port}/redirect?to=${encodeURIComponent('http://127.0.0.1:9/')}`)).rejects.toMatchObject({ type: 'SsrfBlocked' });
    await expect(f(`http://127.0.0.1:${port}/redirect?to=${encodeURIComponent('http://localhost:9/')}`)).rejects.toMatchObject({ type: 'SsrfBlocked' });
  });

  it('follows a redirect between allowed places, and lets a name resolve through an allowed network', async () => {
    const f = createGuardedFetch({ allow: ['127.0.0.0/8'], lookup: fakeDns({ 'svc.internal': ['127.0.0.1'] }) });
    const res = await f(`http://127.0.0.1:${port}/redirect?to=${encodeURIComponent(`http://svc.internal:${port}/x`)}`);
    expect(await res.text()).toBe(`hello from svc.internal:${port}`);
  });

  it('refuses a hostname whose DNS answers are only IPv6 transition forms', async () => {
    const f = createGuardedFetch({ lookup: fakeDns({ 'compat.example': ['::7f00:1'], 'nat64.example': ['64:ff9b::a9fe:a9fe'], 'sixtofour.example': ['2002:a00:1::1'], 'teredo.example': ['2001::1'], 'site.example': ['fec0::1'] }) });
    for (const name of ['compat', 'nat64', 'sixtofour', 'teredo', 'site']) {
      await expect(f(`http://${name}.example:${port}/`)).rejects.toMatchObject({ type: 'SsrfBlocked', retryable: false, message: expect.stringContaining(`${name}.example resolves to a blocked address`) });
    }
  });

  // Issue 15, point 10: WEFT_HTTP_ALLOW_HOSTS=localhost:8080 must open that name, as the README says.
  it('reaches a host allow-listed by name and port though it resolves to loopback', async () => {
    const f = createGuardedFetch({ allow: [`localhost:${port}`], lookup: fakeDns({ localhost: ['127.0.0.1'] }) });
    const res = await f(`http://localhost:${port}/hello`);
    expect(await res.text()).toBe(`hello from localhost:${port}`);
  });

  it('reaches a host allow-listed by name on any port, through the system resolver', async () => {
    const f = createGuardedFetch({ allow: ['LocalHost'] });
    const res = await f(`http://localhost:${port}/hello`);
    expect(res.status).toBe(200);
  });

  it('keeps a name allow-listed with a port closed on other ports', async () => {
    const f = createGuardedFetch({ allow: [`localhost:${port}`], lookup: fakeDns({ localhost: ['127.0.0.1'] }) });
    await expect(f(`http://localhost:${port + 1}/`)).rejects.toMatchObject({ type: 'SsrfBlocked' });
  });

  it('refuses another name resolving to the address of a name allow-listed, sending nothing', async () => {
    const before = hits;
    const f = createGuardedFetch({ allow: [`localhost:${port}`], lookup: fakeDns({ localhost: ['127.0.0.1'], 'rebind.example': ['127.0.0.1'] }) });
    expect((await f(`http://localhost:${port}/`)).status).toBe(200);
    // The pooled connection to localhost must not serve rebind.example, and its own lookup is guarded.
    await expect(f(`http://rebind.example:${port}/`)).rejects.toMatchObject({ type: 'SsrfBlocked', message: expect.stringContaining('127.0.0.1') });
    await expect(f(`http://localhost:${port}/redirect?to=${encodeURIComponent(`http://rebind.example:${port}/`)}`)).rejects.toMatchObject({ type: 'SsrfBlocked' });
    expect(hits).toBe(before + 2);
  });

  it('refuses schemes other than http and https', async () => {
    await expect(createGuardedFetch()('file:///etc/passwd')).rejects.toMatchObject({ type: 'SsrfBlocked' });
  });
});
