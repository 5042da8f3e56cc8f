import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenCheck, TokenService, TokenStore, tokenDigest, type TokenEntry } from '../../../src/auth';
import { ControlDatabase } from '../../../src/storage';
import { parseTokens } from '../../../src/config';

const dir = mkdtempSync(join(tmpdir(), 'vigil-token-service-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('tokens replicated from another gateway (cluster mode)', () => {
  it('holds and stores a new one, replaces a changed one (telling listeners what it takes away), forgets a revoked one', () => {
    const control = ControlDatabase.open(dir);
    try {
      const store = new TokenStore(control.db);
      // A configured token keeps access control on once the replicated one is gone.
      const check = new TokenCheck(parseTokens(`admin:${'e'.repeat(16)}`, 'VIGIL_TOKENS'));
      const service = new TokenService(check, () => store);
      const changes: string[] = [];
      check.onChange((c) => changes.push(`${c.kind} ${c.entry?.role ?? '-'}`));
      const entry: TokenEntry = { id: 'tok-a', role: 'admin', source: 'stored', name: 'ops', digest: tokenDigest('x'.repeat(32)), createdAt: '2026-01-01T00:00:00.000Z', expiresAt: null };
      service.apply(entry.id, entry);
      service.apply(entry.id, { ...entry });
      assert.deepEqual(changes, [], 'a new token, then the same record again: nothing taken away');
      service.apply(entry.id, { ...entry, role: 'viewer' });
      const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
      service.apply(entry.id, { ...entry, role: 'viewer', expiresAt });
      assert.deepEqual(changes, ['lowered viewer', 'expiry viewer']);
      assert.deepEqual(store.tokens().map((t) => [t.id, t.role, t.expiresAt]), [['tok-a', 'viewer', expiresAt]], 'control.db has the change too');
      assert.equal(check.identify('x'.repeat(32))?.role, 'viewer');
      service.apply(entry.id, null);
      assert.deepEqual(changes.at(-1), 'revoked -');
      assert.deepEqual(store.tokens(), []);
      assert.equal(check.identify('x'.repeat(32)), null);
    } finally {
      control.close();
    }
  });
});
