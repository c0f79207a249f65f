import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a script may not reach unless the host allows the name: every entry of IANA's IPv4
 * and IPv6 Special-Purpose Address Registries that is not globally reachable (RFC 6890 and its
 * updates), checked entry by entry, and a few more ranges noted below. Entries the registries mark
 * globally reachable are left open: 192.31.196.0/24 and 192.175.48.0/24 (AS112), 192.52.193.0/24
 * (AMT); 2001:1::1–3 (PCP, TURN and DNS-SD anycast), 2001:3::/32 (AMT), 2001:4:112::/48 (AS112),
 * 2001:20::/28 (ORCHIDv2), 2001:30::/28 (drone remote ID), 2620:4f:8000::/48 (AS112).
 */
const BLOCKED_IPV4 = new BlockList();
/** Apart: Node's BlockList checks an IPv4 address against IPv6 rules as ::ffff:a.b.c.d too. */
const BLOCKED_IPV6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private use
  ['100.64.0.0', 10], // shared address space (CGNAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, and cloud metadata at 169.254.169.254
  ['172.16.0.0', 12], // private use
  ['192.0.0.0', 24], // IETF protocol assignments (its two anycast addresses, .9 and .10, included)
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.88.99.0', 24], // 6to4 relay anycast, deprecated
  ['192.168.0.0', 16], // private use
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast (IANA's multicast registry, not the special-purpose one)
  ['240.0.0.0', 4], // reserved, and the limited broadcast 255.255.255.255
] as const) {
  BLOCKED_IPV4.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified ::, loopback ::1, and the deprecated IPv4-compatible ::a.b.c.d
  ['::ffff:0:0:0', 96], // IPv4-translated (RFC 2765, SIIT): an IPv4 address again
  ['64:ff9b:1::', 48], // NAT64 local use
  ['100::', 64], // discard-only
  ['100:0:0:1::', 64], // dummy prefix
  ['2001::', 32], // Teredo: a tunnel to an IPv4 address
  ['2001:2::', 48], // benchmarking
  ['2001:10::', 28], // ORCHID, deprecated
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: an IPv4 address inside IPv6
  ['3fff::', 20], // documentation
  ['5f00::', 16], // segment routing (SRv6) SIDs
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local: deprecated, not in the registry, but still routed by some networks
  ['ff00::', 8], // multicast
] as const) {
  BLOCKED_IPV6.addSubnet(network, prefix, 'ipv6');
}

/** A host name as compared with `allowHosts`: no IPv6 brackets, no trailing dot, lower case. */
function normalHost(host: string): string {
  return host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** True when `address` (an IP) is one a script may not reach by default. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED_IPV4.check(address, 'ipv4');
  if (family !== 6) return true;
  const carried = carriedIpv4(address);
  return carried === undefined ? BLOCKED_IPV6.check(address, 'ipv6') : BLOCKED_IPV4.check(carried, 'ipv4');
}

/**
 * The IPv4 address an IPv6 address stands for, when connecting to it reaches that IPv4 address:
 * IPv4-mapped `::ffff:a.b.c.d` (a dual-stack socket dials the IPv4 address itself) and the NAT64
 * well-known prefix `64:ff9b::a.b.c.d` (RFC 6052: how DNS64 on an IPv6-only host answers for every
 * IPv4-only name). The address inside is then judged by the IPv4 list, so a public CRM stays
 * reachable and a private one stays refused. Other forms that carry an IPv4 address (translated,
 * compatible, 6to4, Teredo, NAT64 local use) are refused whole by the IPv6 list.
 */
function carriedIpv4(address: string): string | undefined {
  const words = ipv6Words(address);
  const [a, b, c, d, e, f, high = 0, low = 0] = words;
  const mapped = a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0xffff;
  const nat64 = a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0;
  if (!mapped && !nat64) return undefined;
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit words of an IPv6 address that `isIP` accepted (a zone, `%eth0`, is dropped). */
function ipv6Words(address: string): number[] {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [o1, o2, o3, o4] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((o1 << 8) | o2).toString(16)}:${((o3 << 8) | o4).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((word) => parseInt(word, 16)));
  const start = parse(head);
  if (tail === undefined) return start;
  const end = parse(tail);
  return [...start, ...Array<number>(8 - start.length - end.length).fill(0), ...end];
}

/** A refused connection: the address is private and the host did not allow its name. */
export class AddressRefusedError extends Error {
  readonly code = 'EADDRREFUSED_BY_POLICY';
  constructor(host: string, address: string) {
    const what = host === address ? address : `${host} resolves to ${address}, which`;
    super(
      `${what} is a private or local address; allow the host by name to reach it (--allow-host ${host}, or allowHosts in the library)`,
    );
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * The agents' check, made when each connection opens — so redirects are checked too, after DNS,
 * on the address actually dialled (no window for DNS rebinding between check and connect).
 */
function guardedConnection(allowHosts: ReadonlySet<string>) {
  return <Options extends { host?: string | null | undefined }>(options: Options): Options => {
    const host = normalHost(options.host ?? 'localhost');
    if (allowHosts.has(host)) return options;
    if (isIP(host)) {
      if (isBlockedAddress(host)) throw new AddressRefusedError(host, host);
      return options;
    }
    const lookup = (hostname: string, lookupOptions: LookupOptions, callback: LookupCallback) => {
      dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
        if (error) {
          callback(error, []);
          return;
        }
        const refused = addresses.find((entry) => isBlockedAddress(entry.address));
        if (refused) {
          callback(new AddressRefusedError(hostname, refused.address), []);
          return;
        }
        if (lookupOptions.all === true) callback(null, addresses);
        else callback(null, addresses[0]?.address ?? '', addresses[0]?.family);
      });
    };
    return { ...options, lookup };
  };
}

/** http and https agents that refuse private addresses except for the allowed host names. */
export function guardedAgents(allowHosts: readonly string[]): {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
} {
  const guard = guardedConnection(new Set(allowHosts.map(normalHost)));
  class GuardedHttpAgent extends http.Agent {
    override createConnection(...[options, callback]: Parameters<http.Agent['createConnection']>) {
      return super.createConnection(guard(options), callback);
    }
  }
  class GuardedHttpsAgent extends https.Agent {
    override createConnection(...[options, callback]: Parameters<https.Agent['createConnection']>) {
      return super.createConnection(guard(options), callback);
    }
  }
  return {
    httpAgent: new GuardedHttpAgent({ keepAlive: true }),
    httpsAgent: new GuardedHttpsAgent({ keepAlive: true }),
  };
}
