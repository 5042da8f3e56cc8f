import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { roleAllows } from '../../../src/auth';

describe('roles', () => {
  const table: [string, 'viewer' | 'operator' | 'admin', boolean][] = [
    ['viewer', 'viewer', true], ['viewer', 'operator', false], ['viewer', 'admin', false],
    ['operator', 'viewer', true], ['operator', 'operator', true], ['operator', 'admin', false],
    ['admin', 'admin', true], ['anonymous', 'admin', true], ['root', 'viewer', false],
  ];
  for (const [role, required, allowed] of table) it(`${role} ${allowed ? 'may' : 'may not'} do what ${required} may`, () => assert.equal(roleAllows(role, required), allowed));
});
