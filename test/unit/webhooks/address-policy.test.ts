import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyAddress, judgeAddress, type AddressClass } from '../../../src/webhooks';

// Pure table: no request is ever sent to any of these addresses.
const TABLE: [string, AddressClass][] = [
  ['127.0.0.1', 'loopback'],
  ['127.255.10.3', 'loopback'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['64:ff9b::7f00:1', 'loopback'],
  ['169.254.169.254', 'link-local'],
  ['fe80::1', 'link-local'],
  ['febf::1', 'link-local'],
  ['10.0.0.5', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.20', 'private'],
  ['100.64.0.1', 'private'],
  ['fc00::1', 'private'],
  ['fd12:3456::1', 'private'],
  ['::ffff:10.1.2.3', 'private'],
  ['0.0.0.0', 'unspecified'],
  ['::', 'unspecified'],
  ['224.0.0.1', 'multicast'],
  ['255.255.255.255', 'multicast'],
  ['ff02::1', 'multicast'],
  ['172.15.255.255', 'public'],
  ['172.32.0.1', 'public'],
  ['192.169.0.1', 'public'],
  ['8.8.8.8', 'public'],
  ['2001:db8::1', 'public'],
  ['fec0::1', 'public'],
  ['example.com', 'invalid'],
  ['', 'invalid'],
];

describe('webhook address policy', () => {
  for (const [address, expected] of TABLE) {
    it(`classifies ${address || '(empty)'} as ${expected}`, () => assert.equal(classifyAddress(address), expected));
  }

  it('refuses loopback, link-local and private targets unless allowed; never unspecified, multicast or names', () => {
    for (const [address, cls] of TABLE) {
      const strict = judgeAddress(address, false).allowed;
      const lax = judgeAddress(address, true).allowed;
      assert.equal(strict, cls === 'public', `${address} with refusal on`);
      assert.equal(lax, cls === 'public' || cls === 'loopback' || cls === 'link-local' || cls === 'private', `${address} with private targets allowed`);
    }
  });
});
