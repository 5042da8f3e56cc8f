import { randomBytes } from 'node:crypto';
import { VigilError } from '../errors';
import { tokenDigest, type TokenCheck, type TokenEntry } from './token-check';
import type { TokenStore } from './token-store';

/** A token as shown to admins: never the secret, nor its digest. */
export type TokenView = Omit<TokenEntry, 'digest'>;

/** Tokens created by an admin: 32 random bytes, base64url; only their sha256 is stored (control.db) and held. */
export class TokenService {
  readonly #check: TokenCheck;
  readonly #store: () => TokenStore | null;

  constructor(check: TokenCheck, store: () => TokenStore | null) {
    this.#check = check;
    this.#store = store;
  }

  list(): TokenView[] {
    return this.#check.list();
  }

  /** A held token's entry (digest included) by id, for replication; null when there is none. */
  entry(id: string): TokenEntry | null {
    return this.#check.has(id);
  }

  /** A token created or revoked on another gateway (cluster mode): held and cached in control.db like one made here. */
  apply(id: string, entry: TokenEntry | null): void {
    const store = this.#store();
    if (entry === null) {
      store?.delete(id);
      this.#check.remove(id);
      return;
    }
    if (this.#check.has(id)) return;
    store?.insert(entry);
    this.#check.add(entry);
  }

  create(input: { role: string; name?: string }): TokenView & { token: string } {
    const store = this.#requireStore();
    const token = `vgl_${randomBytes(32).toString('base64url')}`;
    const digest = tokenDigest(token);
    const entry: TokenEntry = { id: `tok-${digest.slice(0, 12)}`, role: input.role as TokenEntry['role'], source: 'stored', name: input.name ?? null, digest, createdAt: new Date().toISOString() };
    store.insert(entry);
    this.#check.add(entry);
    const { id, role, source, name, createdAt } = entry;
    return { id, role, source, name, createdAt, token };
  }

  remove(id: string): void {
    const store = this.#requireStore();
    const entry = this.#check.has(id);
    if (entry?.source === 'env') throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'configured tokens (VIGIL_TOKENS, VIGIL_TOKENS_FILE) are removed from the configuration, not the API', { id });
    if (!store.delete(id)) throw new VigilError('VIGIL_ERR_TOKEN_NOT_FOUND', `no stored token "${id}"`, { id });
    this.#check.remove(id);
  }

  #requireStore(): TokenStore {
    const store = this.#store();
    if (!store) throw new VigilError('VIGIL_ERR_NOT_READY', 'the control database is not open yet');
    return store;
  }
}
