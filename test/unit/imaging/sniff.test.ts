import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sniffImageType } from '../../../src/imaging';

describe('image uploads', () => {
  const sniff: [string, number[], string | null][] = [
    ['JPEG', [0xff, 0xd8, 0xff, 0xe0], 'jpeg'],
    ['PNG', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'png'],
    ['WebP', [...Buffer.from('RIFF\0\0\0\0WEBP')], 'webp'],
    ['GIF', [...Buffer.from('GIF89a')], null],
    ['SVG', [...Buffer.from('<svg')], null],
    ['empty', [], null],
  ];
  for (const [name, bytes, type] of sniff) it(`sniffs ${name} as ${String(type)}`, () => assert.equal(sniffImageType(Uint8Array.from(bytes)), type));
});
