import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalAddress, judgeCameraTarget, networksOf, type TargetRules } from '../../../src/cameras/camera-target';

// Pure tables: the policy is judged on addresses; nothing is ever sent to any of them.
const DEFAULT: TargetRules = { listener: { host: '127.0.0.1', port: 8080 }, localAddresses: ['127.0.0.1', '10.1.2.3', '::1'], networks: null };
const ANY_ADDRESS: TargetRules = { ...DEFAULT, listener: { host: '0.0.0.0', port: 8080 } };
const ALLOW_LIST: TargetRules = { ...DEFAULT, networks: networksOf(['10.20.0.0/16', '127.0.0.1/32', '169.254.10.0/24', 'fd00::/8']) };

const TABLE: [string, TargetRules, string, number, boolean][] = [
  ['loopback camera (the tests)', DEFAULT, '127.0.0.1', 8554, true],
  ['LAN camera', DEFAULT, '192.168.1.20', 554, true],
  ['public camera', DEFAULT, '203.0.113.7', 554, true],
  ['IPv6 LAN camera', DEFAULT, 'fd12::5', 554, true],
  ['cloud metadata address', DEFAULT, '169.254.169.254', 80, false],
  ['IPv6 link-local', DEFAULT, 'fe80::1', 554, false],
  ['IPv4-mapped metadata address', DEFAULT, '::ffff:169.254.169.254', 80, false],
  ['NAT64 metadata address', DEFAULT, '64:ff9b::a9fe:a9fe', 80, false],
  ['unspecified IPv4 (reaches this machine)', DEFAULT, '0.0.0.0', 554, false],
  ['unspecified IPv6', DEFAULT, '::', 554, false],
  ["the gateway's own listener", DEFAULT, '127.0.0.1', 8080, false],
  ['own listener, IPv4-mapped spelling', DEFAULT, '::ffff:7f00:1', 8080, false],
  ['same address, another port', DEFAULT, '127.0.0.1', 8081, true],
  ['another loopback address than the bound one', DEFAULT, '127.0.0.2', 8080, true],
  ['listener on 0.0.0.0: loopback reaches it', ANY_ADDRESS, '127.0.0.5', 8080, false],
  ["listener on 0.0.0.0: the machine's LAN address reaches it", ANY_ADDRESS, '10.1.2.3', 8080, false],
  ['listener on 0.0.0.0: ::1 reaches it', ANY_ADDRESS, '0:0:0:0:0:0:0:1', 8080, false],
  ['listener on 0.0.0.0: another host on that port', ANY_ADDRESS, '10.1.2.4', 8080, true],
  ['allow-list: inside', ALLOW_LIST, '10.20.3.4', 554, true],
  ['allow-list: outside', ALLOW_LIST, '10.21.0.1', 554, false],
  ['allow-list: listed loopback', ALLOW_LIST, '127.0.0.1', 8554, true],
  ['allow-list: unlisted loopback', ALLOW_LIST, '127.0.0.2', 8554, false],
  ['allow-list: a listed link-local camera network', ALLOW_LIST, '169.254.10.7', 554, true],
  ['allow-list: the metadata address stays out', ALLOW_LIST, '169.254.169.254', 80, false],
  ['allow-list: IPv6 inside', ALLOW_LIST, 'fd00::7', 554, true],
  ['allow-list: never the own listener', ALLOW_LIST, '127.0.0.1', 8080, false],
  ['not an address', DEFAULT, 'camera.local', 554, false],
];

describe('camera target policy', () => {
  for (const [name, rules, address, port, allowed] of TABLE) {
    it(`${allowed ? 'allows' : 'refuses'}: ${name} (${address}:${port})`, () => {
      const verdict = judgeCameraTarget(address, port, rules);
      assert.equal(verdict.allowed, allowed, JSON.stringify(verdict));
      if (!verdict.allowed) assert.ok(verdict.reason.length > 0);
    });
  }

  it('before the gateway listens, only the address rules apply', () => {
    assert.equal(judgeCameraTarget('127.0.0.1', 8080, { ...DEFAULT, listener: null }).allowed, true);
  });

  it('spells each address one way', () => {
    assert.equal(canonicalAddress('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(canonicalAddress('[0:0:0:0:0:0:0:1]'), '::1');
    assert.equal(canonicalAddress('FE80::1'), 'fe80::1');
    assert.equal(canonicalAddress('10.0.0.1'), '10.0.0.1');
  });
});
