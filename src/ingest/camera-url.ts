import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { VigilError } from '../errors';

export type SourceKind = 'rtsp' | 'rtsps' | 'rtmp' | 'rtmps' | 'http' | 'https' | 'file';

/**
 * Schemes a camera URL may use. Everything else (concat:, subfile:, pipe:, data:, ftp:, ...) is
 * refused before ffmpeg starts; ffmpeg also gets a protocol whitelist per kind (ffmpeg-args.ts).
 */
const NETWORK_SCHEMES: Record<string, SourceKind> = {
  'rtsp:': 'rtsp',
  'rtsps:': 'rtsps',
  'rtmp:': 'rtmp',
  'rtmps:': 'rtmps',
  'http:': 'http',
  'https:': 'https',
};
/** Where each network scheme connects when the URL names no port. */
const DEFAULT_PORTS: Record<Exclude<SourceKind, 'file'>, number> = { rtsp: 554, rtsps: 322, rtmp: 1935, rtmps: 443, http: 80, https: 443 };
/** Query parameters that commonly carry secrets in camera URLs. */
const SECRET_PARAMS = /^(pass|passwd|password|pwd|token|access_token|auth|key|apikey|api_key|secret|signature|sig)$/i;

/**
 * A camera URL that cannot leak: `toString()` and `toJSON()` give the redacted form (password and
 * secret-looking query values replaced by "***"), so logs, errors, metrics and API answers can use
 * it freely. Only the ffmpeg argument builder asks for the real value, through `forSource()`.
 */
export class CameraUrl {
  readonly kind: SourceKind;
  readonly redacted: string;
  readonly #secretValue: string;

  private constructor(kind: SourceKind, secretValue: string, redacted: string) {
    this.kind = kind;
    this.#secretValue = secretValue;
    this.redacted = redacted;
  }

  /**
   * Parses and checks a camera URL. `file:` URLs (relative paths resolve against `baseDir`) are
   * accepted only when `allowLocalFiles` is set. Other schemes are refused before anything starts.
   */
  static parse(raw: string, options: { allowLocalFiles: boolean; baseDir: string }): CameraUrl {
    const text = raw.trim();
    if (/^file:/i.test(text)) {
      if (!options.allowLocalFiles) {
        throw new VigilError('VIGIL_ERR_LOCAL_FILES_DISABLED', undefined, { url: 'file:(hidden)' });
      }
      const path = text.startsWith('file://') ? decodeURIComponent(new URL(text).pathname) : text.slice('file:'.length);
      if (path.length === 0) throw new VigilError('VIGIL_ERR_URL_INVALID', 'file: URL has no path');
      const absolute = isAbsolute(path) ? path : resolve(options.baseDir, path);
      return new CameraUrl('file', absolute, `file:${absolute}`);
    }
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new VigilError('VIGIL_ERR_URL_INVALID', 'camera URL cannot be parsed', { url: redactUnparsable(text) });
    }
    const kind = Object.hasOwn(NETWORK_SCHEMES, url.protocol) ? NETWORK_SCHEMES[url.protocol] : undefined;
    if (!kind) {
      throw new VigilError(
        'VIGIL_ERR_URL_SCHEME',
        `camera URL scheme "${url.protocol}" is not supported (use rtsp://, rtsps://, rtmp://, rtmps://, http(s):// or file: when local files are allowed)`,
        { scheme: url.protocol },
      );
    }
    if (!url.hostname) throw new VigilError('VIGIL_ERR_URL_INVALID', 'camera URL has no host', { url: redact(url) });
    return new CameraUrl(kind, url.toString(), redact(url));
  }

  /**
   * The real URL, credentials included. Only for handing to the decoder process. With `address`,
   * the host name is replaced by that (already resolved) IP address.
   */
  forSource(address?: string): string {
    if (!address || this.kind === 'file') return this.#secretValue;
    const url = new URL(this.#secretValue);
    url.hostname = address.includes(':') ? `[${address}]` : address;
    return url.toString();
  }

  /** `host[:port]` as an HTTP Host header names it (no credentials). */
  get hostHeader(): string {
    return new URL(this.#secretValue).host;
  }

  /** Whether the URL carries a secret (user name, password or a secret-looking query value) the decoder must be given. */
  get hasCredentials(): boolean {
    if (this.kind === 'file') return false;
    const url = new URL(this.#secretValue);
    return url.username !== '' || url.password !== '' || [...url.searchParams.keys()].some((key) => SECRET_PARAMS.test(key));
  }

  /** Host (an IP literal without brackets, or a name) and port (the scheme's default when none) it connects to; null for files. */
  get endpoint(): { host: string; port: number } | null {
    if (this.kind === 'file') return null;
    const url = new URL(this.#secretValue);
    return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : DEFAULT_PORTS[this.kind] };
  }

  /** The host name to resolve before starting the decoder, or null for IP literals and files. */
  get hostToResolve(): string | null {
    if (this.kind === 'file') return null;
    const host = new URL(this.#secretValue).hostname;
    return isIP(host.replace(/^\[|\]$/g, '')) ? null : host;
  }

  toString(): string {
    return this.redacted;
  }

  toJSON(): string {
    return this.redacted;
  }

  /** Keeps util.inspect (and so console.log / pino's fallback) on the redacted form. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `CameraUrl(${this.redacted})`;
  }
}

function redact(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.password) copy.password = '***';
  for (const key of [...copy.searchParams.keys()]) {
    if (SECRET_PARAMS.test(key)) copy.searchParams.set(key, '***');
  }
  return copy.toString();
}

/** For text that is not even a URL: hide anything between "//" and "@", where credentials would be. */
function redactUnparsable(text: string): string {
  return text.replace(/\/\/[^/@]*@/, '//***@');
}

/**
 * Hides `user:password@` in any URL inside free text. A safety net for ffmpeg's stderr, which may
 * echo a URL in a form (decoded, re-ordered) that differs from the one we gave it.
 */
export function redactCredentialsInText(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi, '$1:***@');
}
