import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FaceOwners } from '../../../workers/gallery-search/face-owners';

describe('FaceOwners: whose face each indexed face is', () => {
  it('answers by face id, follows moves and removals, and frees an identity with its last face', () => {
    const owners = new FaceOwners();
    owners.set(1, 'ada');
    owners.set(2, 'ada');
    owners.set(5000, 'bob');
    assert.equal(owners.identityOf(1), 'ada');
    assert.equal(owners.identityOf(5000), 'bob', 'grows past its first size');
    assert.equal(owners.identityOf(3), null);
    assert.equal(owners.identityOf(1e9), null, 'an id past its size is unknown, not an error');
    assert.equal(owners.identities, 2);

    owners.set(2, 'bob');
    assert.equal(owners.identityOf(2), 'bob', 'a face re-read under another identity moves');
    owners.delete(1);
    assert.equal(owners.identities, 1, 'ada had no face left');
    owners.delete(1);
    owners.set(7, 'cy');
    assert.equal(owners.identityOf(7), 'cy', 'a freed number serves a new identity');
    assert.equal(owners.identityOf(2), 'bob');
    assert.equal(owners.identities, 2);

    owners.clear();
    assert.equal(owners.identityOf(2), null);
    assert.equal(owners.identities, 0);
  });

  it('under churn, an identity with no face left is forgotten', () => {
    const owners = new FaceOwners();
    for (let round = 0; round < 50; round++) {
      for (let f = 0; f < 100; f++) owners.set(round * 100 + f, `id-${round}-${f % 10}`);
      for (let f = 0; f < 100; f++) owners.delete(round * 100 + f);
    }
    assert.equal(owners.identities, 0);
    owners.set(1, 'last');
    assert.equal(owners.identityOf(1), 'last');
  });
});
