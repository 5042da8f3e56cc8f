import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyFfmpegExit, meaningfulLine, type SourceKind } from '../../../src/ingest';
import { VigilError } from '../../../src/errors';

const exit = (lines: string[], code = 1) => ({ code, signal: null, error: undefined, stderrTail: lines });

describe('classifyFfmpegExit', () => {
  // Lines as ffmpeg 4.1 prints them.
  const table: Array<{ lines: string[]; kind?: SourceKind; code: string; retry: boolean }> = [
    { lines: ['[tcp @ 0x55] Connection to tcp://127.0.0.1:9 failed: Connection refused', 'rtsp://127.0.0.1:9/x: Connection refused'], code: 'VIGIL_ERR_CONNECTION_REFUSED', retry: true },
    { lines: ['[tcp @ 0x55] Failed to resolve hostname nope.invalid: Name or service not known'], code: 'VIGIL_ERR_HOST_UNREACHABLE', retry: true },
    { lines: ['[rtsp @ 0x55] method DESCRIBE failed: 401 Unauthorized', 'rtsp://u:***@cam/x: Server returned 401 Unauthorized (authorization failed)'], code: 'VIGIL_ERR_AUTH_FAILED', retry: false },
    { lines: ['http://cam/x: Server returned 403 Forbidden (access denied)'], kind: 'http', code: 'VIGIL_ERR_AUTH_FAILED', retry: false },
    { lines: ['[rtsp @ 0x55] method DESCRIBE failed: 404 Not Found', 'rtsp://cam/x: Server returned 404 Not Found'], code: 'VIGIL_ERR_SOURCE_NOT_FOUND', retry: true },
    { lines: ['/srv/clip.mp4: No such file or directory'], kind: 'file', code: 'VIGIL_ERR_SOURCE_NOT_FOUND', retry: false },
    { lines: ['Stream map \'0:v:0\' matches no streams.', 'To ignore this, add a trailing \'?\' to the map.'], code: 'VIGIL_ERR_NO_VIDEO_STREAM', retry: false },
    { lines: ['Decoder (codec hevc) not found for input stream #0:0'], code: 'VIGIL_ERR_UNSUPPORTED_CODEC', retry: false },
    { lines: ['http://127.0.0.1:4000/: Invalid data found when processing input'], kind: 'http', code: 'VIGIL_ERR_CORRUPT_DATA', retry: true },
    { lines: ['something new and strange'], code: 'VIGIL_ERR_FFMPEG_EXITED', retry: true },
    { lines: [], code: 'VIGIL_ERR_FFMPEG_EXITED', retry: true },
  ];
  for (const row of table) {
    it(`${row.code} from "${row.lines.at(-1) ?? '(no stderr)'}"`, () => {
      const { error, retry } = classifyFfmpegExit(exit(row.lines), row.kind ?? 'rtsp');
      assert.equal(error.code, row.code);
      assert.equal(retry, row.retry);
      if (row.lines.length > 0) assert.ok(error.message.includes(meaningfulLine(row.lines) ?? '\u0000'), 'the last meaningful line is the message');
    });
  }
  it('names a protocol blocked by the whitelist (an HLS playlist pointing at a local file), not the "invalid data" that follows', () => {
    const lines = [
      "[file @ 0x55] Protocol 'file' not on whitelist 'http,https,tcp,tls,crypto'!",
      "[hls,applehttp @ 0x55] Error when loading first segment 'file:///tmp/secret.ts'",
      'http://127.0.0.1:4000/local.m3u8: Invalid data found when processing input',
    ];
    const { error, retry } = classifyFfmpegExit(exit(lines), 'http');
    assert.equal(error.code, 'VIGIL_ERR_PROTOCOL_BLOCKED');
    assert.equal(retry, false, 'the same playlist would be refused again');
    assert.equal(error.message, lines[0]);
  });
  it('passes a spawn error through', () => {
    const spawnError = new VigilError('VIGIL_ERR_FFMPEG_SPAWN', 'ffmpeg could not be started: ENOENT');
    const { error, retry } = classifyFfmpegExit({ code: null, signal: null, error: spawnError, stderrTail: [] }, 'rtsp');
    assert.equal(error, spawnError);
    assert.equal(retry, false);
  });
  it('skips lines that say nothing about the cause', () => {
    assert.equal(meaningfulLine(['rtsp://cam/x: Connection refused', 'Conversion failed!', 'Exiting normally, received signal 15.']), 'rtsp://cam/x: Connection refused');
    assert.equal(meaningfulLine(['Conversion failed!']), undefined);
  });
});
