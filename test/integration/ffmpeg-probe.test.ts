import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { checkFfmpegDevice, chooseFfmpeg, probeFfmpeg, resolveFfmpegPath } from '../../src/ingest';

/** Debian's ffmpeg (installed by scripts/test-deps.js) and the bundled static build, both real. */
const DEBIAN_FFMPEG = '/usr/bin/ffmpeg';
const BUNDLED = resolveFfmpegPath();
const quiet = pino({ level: 'silent' });

function pathWith(target: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-path-'));
  symlinkSync(target, join(dir, 'ffmpeg'));
  return dir;
}

describe('probing the ffmpeg that will run (real binaries)', () => {
  it("reads Debian's ffmpeg as 5.1 or later, with its protocols and hardware methods", () => {
    const caps = probeFfmpeg(DEBIAN_FFMPEG);
    assert.ok(caps.major > 5 || (caps.major === 5 && caps.minor >= 1), `${caps.version} is ${caps.major}.${caps.minor}`);
    for (const protocol of ['tcp', 'udp', 'rtp', 'http', 'tls']) assert.ok(caps.protocols.includes(protocol), protocol);
    assert.ok(caps.hwaccels.includes('vaapi') && caps.hwaccels.includes('cuda'), caps.hwaccels.join(','));
  });

  it('reads the bundled static git build as 4.1 (from libavformat, its version string says none)', () => {
    const caps = probeFfmpeg(BUNDLED);
    assert.match(caps.version, /^N-/);
    assert.deepEqual([caps.major, caps.minor], [4, 1]);
  });

  it('refuses something that is not ffmpeg', () => {
    assert.throws(() => probeFfmpeg('/bin/true'), /did not say which ffmpeg/);
    assert.throws(() => probeFfmpeg('/nonexistent/ffmpeg'), /ENOENT/);
  });

  it('says why a hardware device cannot be opened, in ffmpeg\'s words', { skip: existsSync('/dev/nvidia0') && 'this machine has an NVIDIA device' }, () => {
    const reason = checkFfmpegDevice(DEBIAN_FFMPEG, 'cuda');
    assert.ok(reason !== null);
    assert.match(reason, /cuda|CUDA|Device creation failed/);
  });

  it('prefers a system ffmpeg of 5 or later on PATH, falls back to the bundled one for an older or absent one, and always takes FFMPEG_PATH', () => {
    const system = chooseFfmpeg(undefined, pathWith(DEBIAN_FFMPEG), quiet);
    assert.equal(system.bundled, false);
    assert.match(system.path, /vigil-path-.*\/ffmpeg$/);
    assert.ok(system.capabilities.major >= 5);
    const old = chooseFfmpeg(undefined, pathWith(BUNDLED), quiet);
    assert.deepEqual({ path: old.path, bundled: old.bundled }, { path: BUNDLED, bundled: true });
    assert.equal(chooseFfmpeg(undefined, '', quiet).path, BUNDLED);
    const forced = chooseFfmpeg(BUNDLED, pathWith(DEBIAN_FFMPEG), quiet);
    assert.deepEqual({ path: forced.path, bundled: forced.bundled, major: forced.capabilities.major }, { path: BUNDLED, bundled: false, major: 4 });
  });
});
