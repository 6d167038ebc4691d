import { BlockList, isIP } from 'node:net';

/**
 * Address ranges outbound HTTP may never reach unless allow-listed: loopback, private (RFC 1918),
 * carrier-grade NAT, link-local (cloud metadata lives at 169.254.169.254), "this network",
 * documentation, benchmarking, multicast and reserved ranges, and their IPv6 counterparts.
 */
const BLOCKED_V4: readonly [string, number][] = [
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
const BLOCKED_V6: readonly [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
];

const blocked = new BlockList();
for (const [net, prefix] of BLOCKED_V4) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of BLOCKED_V6) blocked.addSubnet(net, prefix, 'ipv6');

/** An IPv4 address carried inside an IPv6 one (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::…`), if any. */
export function embeddedIPv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:(?:0:)?|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:(?:0:)?|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Why an IP address may not be reached, or `undefined` when it may. */
export function blockedReason(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return `"${address}" is not an IP address`;
  if (family === 6) {
    const v4 = embeddedIPv4(bare);
    if (v4 !== undefined) return blockedReason(v4);
    return blocked.check(bare, 'ipv6') ? `${bare} is a loopback, private, link-local or reserved IPv6 address` : undefined;
  }
  return blocked.check(bare, 'ipv4') ? `${bare} is a loopback, private, link-local or reserved address` : undefined;
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
