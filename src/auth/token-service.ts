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
