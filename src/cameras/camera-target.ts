import { BlockList, isIP } from 'node:net';
import { classifyAddress } from '../webhooks';

/** Where this gateway listens (its HTTP and WebSocket port), as the camera check needs it. */
export interface Listener {
  readonly host: string;
  readonly port: number;
}

/** What decides whether a camera may connect to an address; built once from the configuration. */
export interface TargetRules {
  /** The gateway's own listener, once it listens; a camera pointed at it would read our own API. */
  readonly listener: Listener | null;
  /** This machine's addresses (a listener bound to 0.0.0.0 or :: is reached through any of them). */
  readonly localAddresses: readonly string[];
  /** `gateway.cameraNetworks` as a block list, or null when not set (then anything but link-local goes). */
  readonly networks: BlockList | null;
}

export type TargetVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** `gateway.cameraNetworks` as a BlockList (CIDRs were checked by the config schema). Pure. */
export function networksOf(cidrs: readonly string[] | undefined): BlockList | null {
  if (!cidrs || cidrs.length === 0) return null;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [net = '', prefix = ''] = cidr.trim().split('/');
    list.addSubnet(net, Number(prefix), isIP(net) === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

/** One spelling per address: IPv6 canonical (WHATWG URL's form), IPv4-mapped IPv6 as IPv4. Pure. */
export function canonicalAddress(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '');
  if (isIP(bare) !== 6) return bare;
  const v6 = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (!mapped) return v6;
  const high = parseInt(mapped[1] ?? '0', 16);
  const low = parseInt(mapped[2] ?? '0', 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

function isUnspecified(address: string): boolean {
  return classifyAddress(address) === 'unspecified';
}

/** Whether connecting to `address:port` reaches the gateway's own listener. */
function reachesListener(address: string, port: number, rules: TargetRules): boolean {
  const listener = rules.listener;
  if (!listener || port !== listener.port) return false;
  const target = canonicalAddress(address);
  const bound = canonicalAddress(listener.host);
  if (target === bound) return true;
  if (!isUnspecified(bound)) return false;
  // Bound to every address: loopback and each of this machine's own addresses reach it.
  return classifyAddress(target) === 'loopback' || rules.localAddresses.some((local) => canonicalAddress(local) === target);
}

/**
 * May a camera connect to `address` (an IP literal, resolved from its host) on `port`? Refused:
 * an unspecified address (0.0.0.0 and :: reach this machine), the gateway's own listener (the
 * camera would read our own API and be retried forever as corrupt data), and, unless listed in
 * `gateway.cameraNetworks`, link-local addresses (169.254/16 and fe80::/10: cloud metadata
 * services live there). With `cameraNetworks` set, only addresses inside them. Loopback and
 * private addresses are allowed by default: cameras live on the LAN, and tests on 127.0.0.1. Pure.
 */
export function judgeCameraTarget(address: string, port: number, rules: TargetRules): TargetVerdict {
  const target = canonicalAddress(address);
  const cls = classifyAddress(target);
  if (cls === 'invalid') return { allowed: false, reason: `"${address}" is not an IP address` };
  if (cls === 'unspecified') return { allowed: false, reason: `${target} is an unspecified address (it reaches this machine)` };
  if (reachesListener(target, port, rules)) return { allowed: false, reason: `${target}:${port} is this gateway's own listener` };
  const family = isIP(target) === 6 ? 'ipv6' : 'ipv4';
  if (rules.networks) {
    return rules.networks.check(target, family) ? { allowed: true } : { allowed: false, reason: `${target} is outside gateway.cameraNetworks` };
  }
  if (cls === 'link-local') return { allowed: false, reason: `${target} is link-local (cloud metadata services live there; list its network in gateway.cameraNetworks to allow it)` };
  return { allowed: true };
}
