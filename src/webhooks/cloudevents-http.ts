import type { CloudEvent } from '../events';

export type HttpMode = 'structured' | 'binary';

export interface HttpMessage {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/**
 * CloudEvents HTTP protocol binding 1.0, section 3.1.3.2: a header value percent-encodes space,
 * double quote, percent and everything outside printable ASCII (as UTF-8 bytes). Pure.
 */
export function headerValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    out += byte > 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const STRUCTURED_TYPE = 'application/cloudevents+json; charset=utf-8';

/**
 * The HTTP request for one event. Structured mode: the event JSON as the bus serialised it, with
 * `content-type: application/cloudevents+json`. Binary mode: `data` as the body (its
 * `datacontenttype` as the content type) and every other attribute as a `ce-` header. Pure.
 */
export function httpMessage(event: CloudEvent, json: string, mode: HttpMode): HttpMessage {
  if (mode === 'structured') return { headers: { 'content-type': STRUCTURED_TYPE }, body: Buffer.from(json, 'utf8') };
  const headers: Record<string, string> = { 'content-type': event.datacontenttype ?? 'application/json' };
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data' || name === 'data_base64' || name === 'datacontenttype' || value === undefined || value === null) continue;
    headers[`ce-${name}`] = headerValue(typeof value === 'string' ? value : String(value));
  }
  return { headers, body: Buffer.from(JSON.stringify(event.data), 'utf8') };
}
