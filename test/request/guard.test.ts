import { afterEach, describe, expect, it } from 'vitest';
import { isBlockedAddress } from '../../engine/index.js';
import { codes } from './helpers.js';
import { localHttpBotOf, scriptYaml } from '../support/scripts.js';
import { closeServers, startRecordingServer } from '../support/recording-server.js';

afterEach(closeServers);

/**
 * One address from every entry of IANA's IPv4 and IPv6 Special-Purpose Address Registries that is
 * not globally reachable, and the few other ranges the guard refuses, with what the entry is.
 */
const REFUSED: readonly (readonly [string, string])[] = [
  ['0.0.0.0', '"this host on this network"'],
  ['0.1.2.3', '"this network" 0.0.0.0/8'],
  ['10.20.30.40', 'private use 10.0.0.0/8'],
  ['100.64.0.1', 'shared address space 100.64.0.0/10'],
  ['100.127.255.254', 'shared address space, its last address'],
  ['127.0.0.1', 'loopback'],
  ['127.1.2.3', 'loopback 127.0.0.0/8'],
  ['169.254.169.254', 'link-local: the cloud metadata address'],
  ['172.16.0.1', 'private use 172.16.0.0/12'],
  ['172.31.255.254', 'private use, its last address'],
  ['192.0.0.1', 'IPv4 service continuity prefix 192.0.0.0/29'],
  ['192.0.0.8', 'IPv4 dummy address'],
  ['192.0.0.170', 'NAT64/DNS64 discovery'],
  ['192.0.0.200', 'IETF protocol assignments 192.0.0.0/24'],
  ['192.0.2.10', 'documentation TEST-NET-1'],
  ['192.88.99.1', '6to4 relay anycast, deprecated'],
  ['192.168.1.1', 'private use 192.168.0.0/16'],
  ['198.18.0.1', 'benchmarking 198.18.0.0/15'],
  ['198.19.255.254', 'benchmarking, its last address'],
  ['198.51.100.7', 'documentation TEST-NET-2'],
  ['203.0.113.9', 'documentation TEST-NET-3'],
  ['224.0.0.1', 'multicast'],
  ['240.0.0.1', 'reserved 240.0.0.0/4'],
  ['255.255.255.255', 'limited broadcast'],
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['::7f00:1', 'IPv4-compatible, deprecated: 127.0.0.1'],
  ['::ffff:127.0.0.1', 'IPv4-mapped, dotted: 127.0.0.1'],
  ['::ffff:7f00:1', 'IPv4-mapped, hexadecimal: 127.0.0.1'],
  ['0:0:0:0:0:ffff:7f00:1', 'IPv4-mapped, written out: 127.0.0.1'],
  ['::FFFF:169.254.169.254', 'IPv4-mapped, upper case'],
  ['::ffff:a9fe:a9fe', 'IPv4-mapped, hexadecimal: 169.254.169.254'],
  ['::ffff:0.0.0.0', 'IPv4-mapped: "this network"'],
  ['::ffff:0:7f00:1', 'IPv4-translated (RFC 2765): 127.0.0.1'],
  ['::ffff:0:10.0.0.1', 'IPv4-translated, dotted'],
  ['64:ff9b::7f00:1', 'NAT64 well-known prefix: 127.0.0.1'],
  ['64:ff9b::a00:1', 'NAT64 well-known prefix: 10.0.0.1'],
  ['64:ff9b::169.254.169.254', 'NAT64 well-known prefix, dotted: the cloud metadata address'],
  ['64:ff9b::c000:201', 'NAT64 well-known prefix: 192.0.2.1, documentation'],
  ['64:ff9b:1::1', 'NAT64 local use 64:ff9b:1::/48'],
  ['100::1', 'discard-only 100::/64'],
  ['100:0:0:1::1', 'dummy prefix 100:0:0:1::/64'],
  ['2001::1', 'Teredo 2001::/32'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo, a real-looking address'],
  ['2001:2::1', 'benchmarking 2001:2::/48'],
  ['2001:10::1', 'ORCHID, deprecated'],
  ['2001:db8::1', 'documentation 2001:db8::/32'],
  ['2002:7f00:1::', '6to4: 127.0.0.1'],
  ['3fff::1', 'documentation 3fff::/20'],
  ['5f00::1', 'segment routing (SRv6) SIDs'],
  ['fc00::1', 'unique local'],
  ['fd12:3456::1', 'unique local, fd00::/8'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local, with a zone'],
  ['fec0::1', 'site-local, deprecated'],
  ['ff02::1', 'multicast'],
  ['not an address', 'not an IP at all'],
];

/** Public addresses, and the registries' globally reachable entries, which stay open. */
const OPEN: readonly (readonly [string, string])[] = [
  ['8.8.8.8', 'public'],
  ['93.184.216.34', 'public'],
  ['172.32.0.1', 'just past 172.16.0.0/12'],
  ['100.128.0.1', 'just past 100.64.0.0/10'],
  ['192.0.3.1', 'just past TEST-NET-1'],
  ['192.31.196.1', 'AS112-v4, globally reachable'],
  ['192.52.193.1', 'AMT, globally reachable'],
  ['192.175.48.1', 'AS112 direct delegation, globally reachable'],
  ['223.255.255.254', 'just below multicast'],
  ['2606:4700:4700::1111', 'public'],
  ['2001:4860:4860::8888', 'public'],
  ['2001:1::1', 'PCP anycast, globally reachable'],
  ['2001:3::1', 'AMT, globally reachable'],
  ['2001:4:112::1', 'AS112-v6, globally reachable'],
  ['2001:20::1', 'ORCHIDv2, globally reachable'],
  ['2620:4f:8000::1', 'AS112 direct delegation, globally reachable'],
  ['::ffff:8.8.8.8', 'IPv4-mapped: judged as the public 8.8.8.8'],
  ['::ffff:808:808', 'IPv4-mapped, hexadecimal: 8.8.8.8'],
  ['64:ff9b::808:808', 'NAT64 well-known prefix: what DNS64 answers for an IPv4-only CRM at 8.8.8.8'],
  ['64:ff9b::93.184.216.34', 'NAT64 well-known prefix, dotted: a public address'],
  ['64:FF9B:0:0:0:0:5db8:d822', 'NAT64 well-known prefix, written out in upper case'],
];

describe('the address guard follows the IANA special-purpose registries', () => {
  it.each(REFUSED)('%s is refused (%s)', (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each(OPEN)('%s is open (%s)', (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });

  it.each([
    ['IPv4-mapped, dotted', '[::ffff:127.0.0.1]'],
    ['IPv4-mapped, hexadecimal', '[::ffff:7f00:1]'],
    ['IPv4-translated', '[::ffff:0:7f00:1]'],
    ['NAT64', '[64:ff9b::7f00:1]'],
    ['Teredo', '[2001::1]'],
  ])('a request to a literal %s address is refused before connecting', async (_what, host) => {
    const server = await startRecordingServer();
    const yaml = scriptYaml(`  call:
    type: request
    url: 'http://${host}:${server.port}/x'
    on: { success: ok, limit: refused }
  ok: { type: end, result: ok }
  refused: { type: end, result: refused }
`);
    const turn = await localHttpBotOf(yaml, { http: { allowHosts: [] } }).start('k');
    expect(turn.result).toBe('refused');
    expect(codes(turn)).toEqual(['request.limit']);
    expect(turn.diagnostics[0]?.message).toContain('is a private or local address');
    expect(server.requests).toEqual([]);
  });
});
