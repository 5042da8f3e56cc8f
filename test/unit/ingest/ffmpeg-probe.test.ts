import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { atLeast, parseFfmpegList, parseFfmpegVersion } from '../../../src/ingest';

/** First lines of `ffmpeg -version` as the real binaries print them. */
const BUNDLED = `ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2000-2018 the FFmpeg developers
built with gcc 6.3.0 (Debian 6.3.0-18+deb9u1) 20170516
libavutil      56. 24.101 / 56. 24.101
libavcodec     58. 42.100 / 58. 42.100
libavformat    58. 24.100 / 58. 24.100`;
const DEBIAN_12 = `ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers
libavformat    59. 27.100 / 59. 27.100`;

describe('parseFfmpegVersion', () => {
  const table: Array<[string, string, { major: number; minor: number } | null]> = [
    ['the bundled static git build (libavformat 58.24 is 4.1)', BUNDLED, { major: 4, minor: 1 }],
    ["Debian 12's 5.1", DEBIAN_12, { major: 5, minor: 1 }],
    ['a release tag', 'ffmpeg version n7.1 Copyright (c) 2000-2024\nlibavformat    61.  7.100', { major: 7, minor: 1 }],
    ['a plain release', 'ffmpeg version 6.0 Copyright', { major: 6, minor: 0 }],
    ['a git build of 5.0 (libavformat 59.16)', 'ffmpeg version N-105000-gabc Copyright\nlibavformat    59. 16.100 / 59. 16.100', { major: 5, minor: 0 }],
    ['a git build of 8.x (libavformat 62)', 'ffmpeg version N-120000-gdef Copyright\nlibavformat    62.  3.100', { major: 8, minor: 0 }],
    ['not ffmpeg', 'avconv version 12', null],
    ['a git build without library lines', 'ffmpeg version N-1-gabc', null],
  ];
  for (const [what, text, expected] of table) {
    it(what, () => {
      const parsed = parseFfmpegVersion(text);
      assert.deepEqual(parsed && { major: parsed.major, minor: parsed.minor }, expected);
    });
  }

  it('compares release lines', () => {
    const v = (major: number, minor: number) => ({ version: '', major, minor, protocols: [], hwaccels: [] });
    assert.equal(atLeast(v(5, 1), 5), true);
    assert.equal(atLeast(v(5, 0), 5, 1), false);
    assert.equal(atLeast(v(4, 4), 5), false);
    assert.equal(atLeast(v(6, 0), 5, 1), true);
  });
});

describe('parseFfmpegList', () => {
  it('reads -hwaccels and the input half of -protocols', () => {
    assert.deepEqual(parseFfmpegList('Hardware acceleration methods:\nvdpau\ncuda\nvaapi\n\n', /^Hardware acceleration methods:$/), ['vdpau', 'cuda', 'vaapi']);
    const protocols = 'Supported file protocols:\nInput:\n  async\n  rtmp\n  tcp\nOutput:\n  file\n  tee\n';
    assert.deepEqual(parseFfmpegList(protocols, /^Input:$/), ['async', 'rtmp', 'tcp']);
    assert.deepEqual(parseFfmpegList('Hardware acceleration methods:\n', /^Hardware acceleration methods:$/), []);
  });
});
