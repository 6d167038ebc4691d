import { BlockList, isIP } from 'node:net';

/**
 * IPv4 ranges outbound HTTP may never reach unless allow-listed: loopback, private (RFC 1918),
 * carrier-grade NAT, link-local (cloud metadata lives at 169.254.169.254), "this network",
 * documentation, benchmarking, the 6to4 relay anycast, multicast and reserved ranges.
 */
const BLOCKED_V4: readonly (readonly [net: string, prefix: number])[] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

/**
 * IPv6 ranges refused whatever they carry. Whole transition ranges are refused where the IPv4
 * address inside cannot be told or the mechanism is deprecated: IPv4-compatible `::/96`
 * (RFC 4291, deprecated), NAT64 local-use `64:ff9b:1::/48` (RFC 8215: the operator picks where
 * the IPv4 sits), 6to4 `2002::/16` (RFC 7526, deprecated; a 6to4 router on our own network would
 * forward `2002:<private IPv4>::` to that private address), Teredo `2001::/32` (the client
 * address is obfuscated; obsolete) and site-local `fec0::/10` (RFC 3879, deprecated but still
 * routed inside some networks).
 */
const BLOCKED_V6: readonly (readonly [net: string, prefix: number, what: string])[] = [
  ['::', 128, 'the unspecified IPv6 address'],
  ['::1', 128, 'the IPv6 loopback address'],
  ['::', 96, 'an IPv4-compatible IPv6 address (deprecated; it carries an IPv4 address)'],
  ['64:ff9b:1::', 48, 'a local-use NAT64 address (64:ff9b:1::/48)'],
  ['100::', 64, 'a discard-only IPv6 address'],
  ['2001::', 32, 'a Teredo address (2001::/32)'],
  ['2001:db8::', 32, 'a documentation IPv6 address'],
  ['2002::', 16, 'a 6to4 address (2002::/16, deprecated; it carries an IPv4 address)'],
  ['fc00::', 7, 'a unique local IPv6 address'],
  ['fe80::', 10, 'a link-local IPv6 address'],
  ['fec0::', 10, 'a site-local IPv6 address (deprecated)'],
  ['ff00::', 8, 'a multicast IPv6 address'],
];

/**
 * IPv6 prefixes that carry an IPv4 address in their last 32 bits and reach it: IPv4-mapped,
 * IPv4-translated (SIIT, RFC 6145) and well-known NAT64 (RFC 6052). Such an address is refused
 * when the IPv4 inside is; `64:ff9b::8.8.8.8` (DNS64 answering for a public host) stays allowed.
 */
const V4_CARRIERS: readonly (readonly [prefix: string, what: string])[] = [
  ['::ffff:', 'an IPv4-mapped'],
  ['::ffff:0:', 'an IPv4-translated'],
  ['64:ff9b::', 'a NAT64'],
];

interface Rule {
  readonly list: BlockList;
  readonly family: 'ipv4' | 'ipv6';
  readonly what: string;
}

const rule = (net: string, prefix: number, family: 'ipv4' | 'ipv6', what: string): Rule => {
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  return { list, family, what };
};

// Node's BlockList parses every textual form (compressed, expanded, dotted-quad tails), so
// `::ffff:127.0.0.1`, `::ffff:7f00:1` and `0:0:0:0:0:ffff:7f00:1` meet the same rule.
const RULES: readonly Rule[] = [
  ...BLOCKED_V4.map(([net, prefix]) => rule(net, prefix, 'ipv4', 'a loopback, private, link-local or reserved address')),
  ...V4_CARRIERS.flatMap(([carrier, kind]) =>
    BLOCKED_V4.map(([net, prefix]) => rule(`${carrier}${net}`, 96 + prefix, 'ipv6', `${kind} IPv6 address carrying a loopback, private, link-local or reserved IPv4 address (${net}/${prefix})`)),
  ),
  ...BLOCKED_V6.map(([net, prefix, what]) => rule(net, prefix, 'ipv6', what)),
];

/** An IP address without brackets or an IPv6 zone (`fe80::1%eth0`), which BlockList would not match. */
const bareAddress = (address: string): string => address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');

/**
 * Why an IP address may not be reached, or `undefined` when it may.
 * @example blockedReason('::ffff:127.0.0.1') // '::ffff:127.0.0.1 is an IPv4-mapped IPv6 address carrying …'
 */
export function blockedReason(address: string): string | undefined {
  const bare = bareAddress(address);
  const family = isIP(bare);
  if (family === 0) return `"${address}" is not an IP address`;
  const kind = family === 6 ? 'ipv6' : 'ipv4';
  const hit = RULES.find((r) => r.family === kind && r.list.check(bare, kind));
  return hit ? `${bare} is ${hit.what}` : undefined;
}

/** Hosts and networks opened despite the policy: `host`, `host:port`, `a.b.c.d/nn`. */
export class AllowList {
  readonly #hosts = new Set<string>();
  readonly #nets = new BlockList();
  #hasNets = false;

  constructor(entries: readonly string[] = []) {
    for (const raw of entries) {
      const e = raw.trim().toLowerCase();
      if (!e) continue;
      const cidr = /^([0-9a-f:.]+)\/(\d{1,3})$/.exec(e);
      if (cidr && isIP(cidr[1]!)) {
        this.#nets.addSubnet(cidr[1]!, Number(cidr[2]), isIP(cidr[1]!) === 6 ? 'ipv6' : 'ipv4');
        this.#hasNets = true;
      } else this.#hosts.add(e.replace(/^\[|\]$/g, ''));
    }
  }

  /** Whether a URL's host (with or without its port) is allowed by name. */
  allowsHost(hostname: string, port: string): boolean {
    const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
    return this.#hosts.has(h) || this.#hosts.has(`${h}:${port}`);
  }

  /** Whether an address is inside an allowed network or named itself. */
  allowsAddress(address: string): boolean {
    if (this.#hosts.has(address)) return true;
    if (!this.#hasNets) return false;
    const family = isIP(address);
    return family !== 0 && this.#nets.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }
}
