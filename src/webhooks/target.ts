import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { VigilError } from '../errors';
import { judgeAddress } from './address-policy';

/** Query parameters that commonly carry secrets in callback URLs. */
const SECRET_PARAMS = /^(pass|passwd|password|pwd|token|access_token|auth|key|apikey|api_key|secret|signature|sig|code)$/i;

/** A webhook URL as it may be shown: password and secret-looking query values replaced by ***. Pure. */
export function redactWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '(invalid URL)';
  }
  if (url.password) url.password = '***';
  for (const name of [...url.searchParams.keys()]) if (SECRET_PARAMS.test(name)) url.searchParams.set(name, '***');
  return url.toString().replace(/%2A%2A%2A/g, '***');
}

/**
 * Checks a target before a webhook is accepted through the API: the host (or every address it
 * resolves to) must pass the address policy. The delivery path checks again at every connection
 * (guardedLookup), so a name that later resolves elsewhere is still refused.
 */
export async function checkTarget(rawUrl: string, allowPrivateTargets: boolean): Promise<void> {
  const url = new URL(rawUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new VigilError('VIGIL_ERR_WEBHOOK_URL', 'webhook URLs must be http or https', { url: redactWebhookUrl(rawUrl) });
  }
  if (allowPrivateTargets) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true })).map((a) => a.address);
    } catch (error) {
      throw new VigilError('VIGIL_ERR_WEBHOOK_TARGET_REFUSED', `cannot resolve ${host}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { host });
    }
  }
  for (const address of addresses) {
    const verdict = judgeAddress(address, false);
    if (!verdict.allowed) {
      throw new VigilError('VIGIL_ERR_WEBHOOK_TARGET_REFUSED', `${host === address ? host : `${host} (${address})`} is a ${verdict.class} address; webhooks added through the API may not target loopback, link-local or private networks (api.webhooksAllowPrivateTargets)`, { host, address, class: verdict.class });
    }
  }
}
