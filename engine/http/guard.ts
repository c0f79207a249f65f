import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';

/** Addresses a script may not reach unless the host allows the name: loopback, private, link-local, and the like. */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, and cloud metadata at 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // the unspecified address, loopback, and IPv4-compatible forms (::7f00:1)
  ['64:ff9b::', 96], // NAT64: an IPv4 address inside IPv6
  ['2002::', 16], // 6to4: likewise
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10], // site-local, deprecated but still routed by some networks
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
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
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  return mapped ? BLOCKED.check(mapped, 'ipv4') : BLOCKED.check(address, 'ipv6');
}

/** A refused connection: the address is private and the host did not allow its name. */
export class AddressRefusedError extends Error {
  readonly code = 'EADDRREFUSED_BY_POLICY';
  constructor(host: string, address: string) {
    const what = host === address ? address : `${host} resolves to ${address}, which`;
    super(`${what} is a private or local address; allow the host by name to reach it`);
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
