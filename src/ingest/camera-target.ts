import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { VigilError } from '../errors';
import type { CameraUrl } from './camera-url';

/** Whether a camera may connect to `address:port`: null when it may, else the refusal. */
export type TargetCheck = (address: string, port: number) => VigilError | null;

/** Every address a host name resolves to; VIGIL_ERR_HOST_UNREACHABLE when it resolves to none. */
export async function lookupAll(host: string): Promise<string[]> {
  try {
    return (await lookup(host, { all: true })).map((a) => a.address);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new VigilError('VIGIL_ERR_HOST_UNREACHABLE', `cannot resolve camera host "${host}" (${code})`);
  }
}

/**
 * Before a decoder connects: resolves the camera's host when needed (a `check` is set, or the
 * backend wants an address: the bundled static ffmpeg crashes resolving names itself), and checks
 * every address it resolves to, so a name that also points somewhere refused is refused. Returns
 * the address to give the decoder when `forDecoder`, else undefined. Throws the refusal.
 */
export async function resolveTarget(url: CameraUrl, options: { check?: TargetCheck | undefined; forDecoder: boolean }, resolve: (host: string) => Promise<string[]> = lookupAll): Promise<string | undefined> {
  const endpoint = url.endpoint;
  if (!endpoint) return undefined;
  const literal = isIP(endpoint.host) !== 0;
  if (!options.check && (literal || !options.forDecoder)) return undefined;
  const addresses = literal ? [endpoint.host] : await resolve(endpoint.host);
  for (const address of addresses) {
    const refusal = options.check?.(address, endpoint.port);
    if (refusal) throw refusal;
  }
  return options.forDecoder && !literal ? addresses[0] : undefined;
}
