/**
 * The access token. Kept in sessionStorage (gone when the tab closes, never in the URL, never in
 * localStorage); sent as `Authorization: Bearer` on fetch and as the `bearer.TOKEN` subprotocol on
 * the WebSocket, which browsers cannot give headers.
 */
const KEY = 'vigil.token';

type Listener = (reason: string) => void;
const listeners = new Set<Listener>();

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string): void {
  sessionStorage.setItem(KEY, token.trim());
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}

/** Called by every part that learns the gateway wants a (valid) token: the page asks for one. */
export function tokenRequired(reason: string): void {
  for (const listener of listeners) listener(reason);
}

export function onTokenRequired(listener: Listener): void {
  listeners.add(listener);
}

/** Tokens the gateway accepts (README, VIGIL_TOKENS): a plain check before it is stored. */
export function isPlausibleToken(token: string): boolean {
  return /^[A-Za-z0-9._~+/=-]{16,512}$/.test(token.trim());
}
