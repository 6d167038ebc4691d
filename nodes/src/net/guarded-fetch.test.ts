import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockedReason, embeddedIPv4 } from './address-policy.js';
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

  it('unwraps IPv4 inside IPv6', () => {
    expect(embeddedIPv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(embeddedIPv4('64:ff9b::10.0.0.1')).toBe('10.0.0.1');
    expect(embeddedIPv4('2001:db8::1')).toBeUndefined();
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

  it('refuses schemes other than http and https', async () => {
    await expect(createGuardedFetch()('file:///etc/passwd')).rejects.toMatchObject({ type: 'SsrfBlocked' });
  });
});
