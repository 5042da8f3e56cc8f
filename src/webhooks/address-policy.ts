import { BlockList, isIP } from 'node:net';

/** What an IP address is, for deciding whether a webhook may connect to it. */
export type AddressClass = 'public' | 'loopback' | 'link-local' | 'private' | 'unspecified' | 'multicast' | 'invalid';

function blockList(v4: readonly [string, number][], v6: readonly [string, number][]): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6');
  return list;
}

/**
 * The ranges per class (RFC 6890 and friends). IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) match
 * the IPv4 rules (BlockList does that), so `http://[::ffff:127.0.0.1]/` is loopback too.
 */
const CLASSES: readonly [AddressClass, BlockList][] = [
  ['unspecified', blockList([['0.0.0.0', 8]], [['::', 128]])],
  ['loopback', blockList([['127.0.0.0', 8]], [['::1', 128]])],
  ['link-local', blockList([['169.254.0.0', 16]], [['fe80::', 10]])],
  // 100.64/10 is carrier-grade NAT (shared address space): not the public internet either.
  ['private', blockList([['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10]], [['fc00::', 7]])],
  ['multicast', blockList([['224.0.0.0', 4], ['255.255.255.255', 32]], [['ff00::', 8]])],
];

/** NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits: judge that address. */
function embeddedIpv4(address: string): string | null {
  const match = /^64:ff9b::(?:([0-9a-f]{1,4}):([0-9a-f]{1,4})|(\d+\.\d+\.\d+\.\d+))$/i.exec(address);
  if (!match) return null;
  if (match[3]) return match[3];
  const high = parseInt(match[1] ?? '0', 16);
  const low = parseInt(match[2] ?? '0', 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** Classifies one IP address (a literal, never a host name). Pure. */
export function classifyAddress(address: string): AddressClass {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 0) return 'invalid';
  const v4 = family === 6 ? embeddedIpv4(bare) : null;
  const [ip, type] = v4 ? [v4, 'ipv4' as const] : [bare, family === 4 ? ('ipv4' as const) : ('ipv6' as const)];
  for (const [name, list] of CLASSES) if (list.check(ip, type)) return name;
  return 'public';
}

/** Classes that are never a webhook target, whatever the configuration says. */
const NEVER: ReadonlySet<AddressClass> = new Set(['unspecified', 'multicast', 'invalid']);
/** Classes refused unless the webhook allows private targets. */
const PRIVATE: ReadonlySet<AddressClass> = new Set(['loopback', 'link-local', 'private']);

export interface AddressVerdict {
  readonly allowed: boolean;
  readonly class: AddressClass;
}

/** May a webhook connect to `address`? Pure; the HTTP client asks it for every address it would connect to. */
export function judgeAddress(address: string, allowPrivateTargets: boolean): AddressVerdict {
  const cls = classifyAddress(address);
  const allowed = !NEVER.has(cls) && (allowPrivateTargets || !PRIVATE.has(cls));
  return { allowed, class: cls };
}
