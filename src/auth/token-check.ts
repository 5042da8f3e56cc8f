import { createHash, timingSafeEqual } from 'node:crypto';
import type { Role } from './roles';

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
}

/** The caller behind a request: its role and token id (`anonymous`/null when no tokens exist). */
export interface Caller {
  readonly role: Role | 'anonymous';
  readonly tokenId: string | null;
}

/**
 * Checks tokens in constant time (over hashes, so lengths leak nothing). Holds only sha256
 * digests: the configured tokens (VIGIL_TOKENS, VIGIL_TOKENS_FILE) and those created through the
 * API (stored hashed in SQLite). With no token at all, everyone is let in as `anonymous` (the
 * server then binds to localhost only).
 */
export class TokenCheck {
  readonly #entries = new Map<string, TokenEntry & { bytes: Buffer }>();

  constructor(tokens: readonly AccessToken[], stored: readonly TokenEntry[] = []) {
    for (const t of tokens) {
      const hex = tokenDigest(t.token);
      this.#put({ id: `env-${hex.slice(0, 12)}`, role: t.role as Role, source: 'env', name: null, digest: hex, createdAt: null });
    }
    for (const entry of stored) this.#put(entry);
  }

  get enabled(): boolean {
    return this.#entries.size > 0;
  }

  /** Every token's id, role and source; never a secret (digests are left out too). */
  list(): Omit<TokenEntry, 'digest'>[] {
    return [...this.#entries.values()].map(({ id, role, source, name, createdAt }) => ({ id, role, source, name, createdAt }));
  }

  add(entry: TokenEntry): void {
    this.#put(entry);
  }

  /** Forgets a stored token; configured ones (env) cannot be removed at run time. */
  remove(id: string): boolean {
    const entry = this.#entries.get(id);
    if (!entry || entry.source !== 'stored') return false;
    return this.#entries.delete(id);
  }

  has(id: string): TokenEntry | null {
    return this.#entries.get(id) ?? null;
  }

  /** Who presents `token`: anonymous when auth is off, null when refused. */
  identify(token: string | null): Caller | null {
    if (!this.enabled) return { role: 'anonymous', tokenId: null };
    if (!token) return null;
    const presented = digest(token);
    let found: Caller | null = null;
    for (const entry of this.#entries.values()) if (timingSafeEqual(entry.bytes, presented)) found = { role: entry.role, tokenId: entry.id };
    return found;
  }

  /** The role of the presented token, `anonymous` when auth is off, or null when refused. */
  roleOf(token: string | null): string | null {
    return this.identify(token)?.role ?? null;
  }

  #put(entry: TokenEntry): void {
    this.#entries.set(entry.id, { ...entry, bytes: Buffer.from(entry.digest, 'hex') });
  }
}
