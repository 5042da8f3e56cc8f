import { isIP } from 'node:net';

/** `a.b.c.d/n` (n 0-32) or an IPv6 address with `/n` (n 0-128). Pure. */
export function isCidr(text: string): boolean {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return false;
  const family = isIP(match[1] ?? '');
  const prefix = Number(match[2]);
  return (family === 4 && prefix <= 32) || (family === 6 && prefix <= 128);
}
