import { createHash, timingSafeEqual } from 'node:crypto';
import { ROLES, type Role } from './roles';

/** A configured access token (from VIGIL_TOKENS) and its role. */
export interface AccessToken {
  readonly role: string;
  readonly token: string;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The sha256 of a token, hex: how tokens are stored and identified; the token itself is never kept. */
export function tokenDigest(token: string): string {
  return digest(token).toString('hex');
}

/** A token as held: its id (not secret), role, where it came from, and its sha256. */
export interface TokenEntry {
  readonly id: string;
  readonly role: Role;
  readonly source: 'env' | 'stored';
  readonly name: string | null;
  readonly digest: string;
  readonly createdAt: string | null;
  /** RFC 3339; from then on the token is refused (null: never expires; configured tokens never do). */
  readonly expiresAt: string | null;
}

/** The caller behind a request: its role and token id (`anonymous`/null when no tokens exist). */
export interface Caller {
  readonly role: Role | 'anonymous';
  readonly tokenId: string | null;
  /** When the token expires (ms since the epoch), if it does: open connections end then. */
  readonly expiresAt?: number | null;
}

/**
 * A held token that changed in a way its open connections must feel: `revoked` (removed),
 * `lowered` (its role now allows less), `expiry` (it now expires earlier, or already has).
 */
export interface TokenChange {
  readonly tokenId: string;
  readonly kind: 'revoked' | 'lowered' | 'expiry';
  /** The token as it is now; null when revoked. */
  readonly entry: Omit<TokenEntry, 'digest'> | null;
}

/**
 * Checks tokens in constant time (over hashes, so lengths leak nothing). Holds only sha256
 * digests: the configured tokens (VIGIL_TOKENS, VIGIL_TOKENS_FILE) and those created through the
 * API (stored hashed in SQLite). With no token at all, everyone is let in as `anonymous` (the
 * server then binds to localhost only).
 */
export class TokenCheck {
  readonly #entries = new Map<string, TokenEntry & { bytes: Buffer; expiresMs: number | null }>();
  readonly #listeners = new Set<(change: TokenChange) => void>();

  constructor(tokens: readonly AccessToken[], stored: readonly TokenEntry[] = []) {
    for (const t of tokens) {
      const hex = tokenDigest(t.token);
      this.#put({ id: `env-${hex.slice(0, 12)}`, role: t.role as Role, source: 'env', name: null, digest: hex, createdAt: null, expiresAt: null });
    }
    for (const entry of stored) this.#put(entry);
  }

  get enabled(): boolean {
    return this.#entries.size > 0;
  }

  /** Every token's id, role and source; never a secret (digests are left out too). */
  list(): Omit<TokenEntry, 'digest'>[] {
    return [...this.#entries.values()].map(publicView);
  }

  /** Hears of tokens revoked, lowered or expiring earlier (the WebSocket hub closes their sockets). Returns the unsubscribe. */
  onChange(listener: (change: TokenChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Adds a token, or replaces one with the same id (a role or expiry change), telling listeners what the change takes away. */
  add(entry: TokenEntry): void {
    const before = this.#entries.get(entry.id);
    this.#put(entry);
    if (!before) return;
    const after = this.#entries.get(entry.id) as TokenEntry & { expiresMs: number | null };
    if (ROLES.indexOf(after.role) < ROLES.indexOf(before.role)) this.#emit({ tokenId: entry.id, kind: 'lowered', entry: publicView(after) });
    else if (after.expiresMs !== null && (before.expiresMs === null || after.expiresMs < before.expiresMs)) this.#emit({ tokenId: entry.id, kind: 'expiry', entry: publicView(after) });
  }

  /** Forgets a stored token (its open connections are told); configured ones (env) cannot be removed at run time. */
  remove(id: string): boolean {
    const entry = this.#entries.get(id);
    if (!entry || entry.source !== 'stored') return false;
    this.#entries.delete(id);
    this.#emit({ tokenId: id, kind: 'revoked', entry: null });
    return true;
  }

  has(id: string): TokenEntry | null {
    return this.#entries.get(id) ?? null;
  }

  /** Who presents `token`: anonymous when auth is off, null when refused (unknown, or expired at `now`). */
  identify(token: string | null, now = Date.now()): Caller | null {
    if (!this.enabled) return { role: 'anonymous', tokenId: null };
    if (!token) return null;
    const presented = digest(token);
    let found: (TokenEntry & { expiresMs: number | null }) | null = null;
    // Every entry is compared, found or not: the time taken says nothing about which one matched.
    for (const entry of this.#entries.values()) if (timingSafeEqual(entry.bytes, presented)) found = entry;
    if (!found || (found.expiresMs !== null && found.expiresMs <= now)) return null;
    return { role: found.role, tokenId: found.id, expiresAt: found.expiresMs };
  }

  /** Whether the token `id` is still held, unexpired at `now`, with a role allowing `role`'s access (for open connections). */
  stillValid(id: string, now = Date.now()): Caller | null {
    const entry = this.#entries.get(id);
    if (!entry || (entry.expiresMs !== null && entry.expiresMs <= now)) return null;
    return { role: entry.role, tokenId: entry.id, expiresAt: entry.expiresMs };
  }

  /** The role of the presented token, `anonymous` when auth is off, or null when refused. */
  roleOf(token: string | null): string | null {
    return this.identify(token)?.role ?? null;
  }

  #put(entry: TokenEntry): void {
    const expiresMs = entry.expiresAt === null ? null : Date.parse(entry.expiresAt);
    this.#entries.set(entry.id, { ...entry, bytes: Buffer.from(entry.digest, 'hex'), expiresMs: Number.isFinite(expiresMs) ? expiresMs : null });
  }

  #emit(change: TokenChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}

function publicView(entry: TokenEntry): Omit<TokenEntry, 'digest'> {
  const { id, role, source, name, createdAt, expiresAt } = entry;
  return { id, role, source, name, createdAt, expiresAt };
}
