import { createHmac } from 'node:crypto';

/**
 * Webhook signatures as the Standard Webhooks specification defines them (the scheme Svix and
 * many receivers' libraries verify): HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`,
 * sent as `webhook-signature: v1,<base64>`. A `whsec_` secret is base64 after the prefix (what
 * those libraries expect); any other secret is used as its UTF-8 bytes. Pure.
 */
export const SIGNATURE_VERSION = 'v1';

export function signingKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

/** `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`. */
export function signature(key: Buffer, id: string, timestampS: number, body: Buffer | string): string {
  const mac = createHmac('sha256', key).update(`${id}.${timestampS}.`).update(body).digest('base64');
  return `${SIGNATURE_VERSION},${mac}`;
}

/** The three Standard Webhooks headers for one attempt (the timestamp is the attempt's, so a retry is signed anew). */
export function signatureHeaders(key: Buffer, id: string, timestampS: number, body: Buffer): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampS),
    'webhook-signature': signature(key, id, timestampS, body),
  };
}
