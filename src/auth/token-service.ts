import { randomBytes } from 'node:crypto';
import { DISPLAY_TEXT_RULE, unsafeCharacter } from '../config';
import { VigilError } from '../errors';
import { tokenDigest, type TokenCheck, type TokenEntry } from './token-check';
import type { TokenStore } from './token-store';

/** A token as shown to admins: never the secret, nor its digest. */
export type TokenView = Omit<TokenEntry, 'digest'>;

/** What an admin may set on a stored token (POST creates, PATCH changes). */
export interface TokenInput {
  readonly role?: string;
  /** null clears. */
  readonly name?: string | null;
  /** RFC 3339, in the future; null: never expires. */
  readonly expiresAt?: string | null;
}

/**
 * Tokens created by an admin: 32 random bytes, base64url; only their sha256 is stored (control.db)
 * and held. Revoking one, lowering its role or moving its expiry earlier takes effect at once:
 * the token check tells its listeners (the WebSocket hub closes the token's open sockets).
 */
export class TokenService {
  readonly #check: TokenCheck;
  readonly #store: () => TokenStore | null;
  readonly #now: () => number;

  constructor(check: TokenCheck, store: () => TokenStore | null, now: () => number = Date.now) {
    this.#check = check;
    this.#store = store;
    this.#now = now;
  }

  list(): TokenView[] {
    return this.#check.list();
  }

  /** A held token's entry (digest included) by id, for replication; null when there is none. */
  entry(id: string): TokenEntry | null {
    return this.#check.has(id);
  }

  /**
   * A token created, changed or revoked on another gateway (cluster mode): held and cached in
   * control.db like one made here. A changed one (role, name, expiry) replaces the held entry, so a
   * lower role or an earlier expiry closes its open sockets here too.
   */
  apply(id: string, entry: TokenEntry | null): void {
    const store = this.#store();
    if (entry === null) {
      store?.delete(id);
      this.#check.remove(id);
      return;
    }
    const held = this.#check.has(id);
    if (held && sameEntry(held, entry)) return;
    if (store && !(held && store.update(entry))) store.insert(entry);
    this.#check.add(entry);
  }

  create(input: TokenInput & { role: string }): TokenView & { token: string } {
    const store = this.#requireStore();
    const token = `vgl_${randomBytes(32).toString('base64url')}`;
    const digest = tokenDigest(token);
    const entry: TokenEntry = {
      id: `tok-${digest.slice(0, 12)}`,
      role: input.role as TokenEntry['role'],
      source: 'stored',
      name: this.#name(input.name),
      digest,
      createdAt: new Date(this.#now()).toISOString(),
      expiresAt: this.#expiry(input.expiresAt),
    };
    store.insert(entry);
    this.#check.add(entry);
    const { digest: _digest, ...view } = entry;
    return { ...view, token };
  }

  /** Changes a stored token's role, name or expiry; a lower role or an earlier expiry closes its open sockets. */
  update(id: string, patch: TokenInput): TokenView {
    const store = this.#requireStore();
    const current = this.#check.has(id);
    if (current?.source === 'env') throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'configured tokens (VIGIL_TOKENS, VIGIL_TOKENS_FILE) are changed in the configuration, not the API', { id });
    if (!current) throw new VigilError('VIGIL_ERR_TOKEN_NOT_FOUND', `no stored token "${id}"`, { id });
    const next: TokenEntry = {
      ...current,
      ...(patch.role !== undefined && { role: patch.role as TokenEntry['role'] }),
      ...(patch.name !== undefined && { name: this.#name(patch.name) }),
      ...(patch.expiresAt !== undefined && { expiresAt: this.#expiry(patch.expiresAt) }),
    };
    if (!store.update(next)) throw new VigilError('VIGIL_ERR_TOKEN_NOT_FOUND', `no stored token "${id}"`, { id });
    this.#check.add(next);
    const { digest: _digest, ...view } = next;
    return view;
  }

  remove(id: string): void {
    const store = this.#requireStore();
    const entry = this.#check.has(id);
    if (entry?.source === 'env') throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'configured tokens (VIGIL_TOKENS, VIGIL_TOKENS_FILE) are removed from the configuration, not the API', { id });
    if (!store.delete(id)) throw new VigilError('VIGIL_ERR_TOKEN_NOT_FOUND', `no stored token "${id}"`, { id });
    this.#check.remove(id);
  }

  #name(name: string | null | undefined): string | null {
    if (name === undefined || name === null) return null;
    const character = unsafeCharacter(name);
    if (character) throw new VigilError('VIGIL_ERR_BAD_REQUEST', `name: ${DISPLAY_TEXT_RULE} (found ${character})`, { field: 'name', reason: DISPLAY_TEXT_RULE });
    return name;
  }

  #expiry(expiresAt: string | null | undefined): string | null {
    if (expiresAt === undefined || expiresAt === null) return null;
    const ms = Date.parse(expiresAt);
    if (!/^\d{4}-\d\d-\d\dT/.test(expiresAt) || !Number.isFinite(ms)) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'expiresAt: not an RFC 3339 date-time', { field: 'expiresAt' });
    if (ms <= this.#now()) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'expiresAt: must be in the future', { field: 'expiresAt' });
    return new Date(ms).toISOString();
  }

  #requireStore(): TokenStore {
    const store = this.#store();
    if (!store) throw new VigilError('VIGIL_ERR_NOT_READY', 'the control database is not open yet');
    return store;
  }
}

function sameEntry(a: TokenEntry, b: TokenEntry): boolean {
  return a.role === b.role && a.name === b.name && a.digest === b.digest && a.expiresAt === b.expiresAt && a.source === b.source;
}
