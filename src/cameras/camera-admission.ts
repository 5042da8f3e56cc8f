import { networkInterfaces } from 'node:os';
import { isIP, type BlockList } from 'node:net';
import { VigilError, isVigilError } from '../errors';
import { lookupAll, type CameraUrl, type TargetCheck } from '../ingest';
import { judgeCameraTarget, networksOf, type Listener, type TargetRules } from './camera-target';

export interface CameraAdmissionOptions {
  /** Which decoder runs cameras: the ffmpeg command shows its arguments to every local user. */
  readonly decoder: 'native' | 'ffmpeg';
  /** `ingest.ffmpegCredentialsOnCommandLine`: the operator accepts credentials in ffmpeg's argv. */
  readonly ffmpegCredentialsOnCommandLine: boolean;
  /** `gateway.cameraNetworks` (CIDRs). */
  readonly cameraNetworks?: readonly string[] | undefined;
  /** The gateway's own listener, once it listens. */
  readonly listener: () => Listener | null;
  readonly localAddresses?: () => readonly string[];
  readonly resolve?: (host: string) => Promise<string[]>;
}

function machineAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}

/**
 * Which camera URLs may run, beyond their scheme: no credentials on the ffmpeg command line
 * (unless the operator opted in), and no connection to a refused address (camera-target.ts). The
 * URL is checked when a camera is added through the API (host names resolved; 400), when a
 * camera is built (IP literals; `failed`), and on every connect, on the addresses its host
 * resolves to then (`targetCheck`; `failed`), so a name that later points elsewhere is caught too.
 */
export class CameraAdmission {
  readonly #options: CameraAdmissionOptions;
  readonly #networks: BlockList | null;

  constructor(options: CameraAdmissionOptions) {
    this.#options = options;
    this.#networks = networksOf(options.cameraNetworks);
  }

  /** For the ingestor: may the camera connect to `address:port`? */
  readonly targetCheck: TargetCheck = (address, port) => {
    const verdict = judgeCameraTarget(address, port, this.#rules());
    return verdict.allowed ? null : new VigilError('VIGIL_ERR_CAMERA_TARGET_REFUSED', `camera address refused: ${verdict.reason}`, { reason: verdict.reason });
  };

  /** What can be said without the network: credentials on ffmpeg's command line, an IP literal refused. Throws the refusal. */
  checkUrl(url: CameraUrl): void {
    if (this.#options.decoder === 'ffmpeg' && url.hasCredentials && !this.#options.ffmpegCredentialsOnCommandLine) {
      throw new VigilError('VIGIL_ERR_CREDENTIALS_ON_COMMAND_LINE', undefined, { url: url.redacted });
    }
    const endpoint = url.endpoint;
    if (endpoint && isIP(endpoint.host) !== 0) {
      const refusal = this.targetCheck(endpoint.host, endpoint.port);
      if (refusal) throw refusal;
    }
  }

  /** For the API: `checkUrl`, then the addresses a host name resolves to now. A name that does not resolve (yet) is not refused here; its connects will be. */
  async checkHost(url: CameraUrl): Promise<void> {
    this.checkUrl(url);
    const endpoint = url.endpoint;
    if (!endpoint || isIP(endpoint.host) !== 0) return;
    let addresses: string[];
    try {
      addresses = await (this.#options.resolve ?? lookupAll)(endpoint.host);
    } catch (error) {
      if (isVigilError(error) && error.code === 'VIGIL_ERR_HOST_UNREACHABLE') return;
      throw error;
    }
    for (const address of addresses) {
      const refusal = this.targetCheck(address, endpoint.port);
      if (refusal) throw refusal;
    }
  }

  #rules(): TargetRules {
    return { listener: this.#options.listener(), localAddresses: (this.#options.localAddresses ?? machineAddresses)(), networks: this.#networks };
  }
}
