import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { CameraUrl, redactCredentialsInText } from '../../../src/ingest';
import { VigilError } from '../../../src/errors';

const allow = { allowLocalFiles: true, baseDir: '/srv/vigil' };
const deny = { allowLocalFiles: false, baseDir: '/srv/vigil' };

describe('CameraUrl', () => {
  it('redacts the password everywhere it can be printed, and keeps it for the decoder', () => {
    const url = CameraUrl.parse('rtsp://admin:s3cret@10.0.0.5:554/stream1', deny);
    assert.equal(url.kind, 'rtsp');
    assert.equal(url.forSource(), 'rtsp://admin:s3cret@10.0.0.5:554/stream1');
    for (const shown of [String(url), JSON.stringify({ url }), inspect(url), `${url}`]) {
      assert.ok(!shown.includes('s3cret'), `no password in ${shown}`);
      assert.ok(shown.includes('admin:***@10.0.0.5'), `redacted form in ${shown}`);
    }
  });

  it('redacts secret-looking query parameters', () => {
    const url = CameraUrl.parse('rtmp://cdn.example/live/cam?token=abc123&quality=hd', deny);
    assert.equal(url.redacted, 'rtmp://cdn.example/live/cam?token=***&quality=hd');
  });

  it('resolves relative file: paths against the config directory when local files are allowed', () => {
    assert.equal(CameraUrl.parse('file:samples/clip.mp4', allow).forSource(), '/srv/vigil/samples/clip.mp4');
    assert.equal(CameraUrl.parse('file:///data/clip.mp4', allow).forSource(), '/data/clip.mp4');
  });

  it('accepts every supported network scheme with its kind', () => {
    const kinds = ['rtsp', 'rtsps', 'rtmp', 'rtmps', 'http', 'https'].map((scheme) => CameraUrl.parse(`${scheme}://cam.local/x`, deny).kind);
    assert.deepEqual(kinds, ['rtsp', 'rtsps', 'rtmp', 'rtmps', 'http', 'https']);
  });

  it('hands the decoder a resolved address in place of the host name, credentials kept', () => {
    const url = CameraUrl.parse('rtsp://admin:s3cret@camera.example:8554/live?x=1', deny);
    assert.equal(url.hostToResolve, 'camera.example');
    assert.equal(url.forSource('10.1.2.3'), 'rtsp://admin:s3cret@10.1.2.3:8554/live?x=1');
    assert.equal(url.forSource('::1'), 'rtsp://admin:s3cret@[::1]:8554/live?x=1');
    assert.equal(CameraUrl.parse('rtsp://10.0.0.5/s', deny).hostToResolve, null);
    assert.equal(CameraUrl.parse('rtsp://[::1]/s', deny).hostToResolve, null);
    assert.equal(CameraUrl.parse('file:/a.mp4', allow).hostToResolve, null);
  });

  it('redacts credentials in free text such as ffmpeg stderr', () => {
    const line = '[rtsp @ 0x1] method DESCRIBE failed: 401 Unauthorized (rtsp://admin:hunter2@10.0.0.5/s)';
    assert.equal(redactCredentialsInText(line), '[rtsp @ 0x1] method DESCRIBE failed: 401 Unauthorized (rtsp://admin:***@10.0.0.5/s)');
  });

  const refused: Array<[string, string, typeof deny]> = [
    ['file:samples/clip.mp4', 'VIGIL_ERR_LOCAL_FILES_DISABLED', deny],
    ['concat:/etc/passwd|/etc/hosts', 'VIGIL_ERR_URL_SCHEME', allow],
    ['subfile:,start,0,end,0,:/etc/passwd', 'VIGIL_ERR_URL_SCHEME', allow],
    ['ftp://camera.local/stream', 'VIGIL_ERR_URL_SCHEME', allow],
    ['pipe:0', 'VIGIL_ERR_URL_SCHEME', allow],
    ['data:video/mp4;base64,AAAA', 'VIGIL_ERR_URL_SCHEME', allow],
    ['hls+http://cam/x.m3u8', 'VIGIL_ERR_URL_SCHEME', allow],
    ['constructor://cam/x', 'VIGIL_ERR_URL_SCHEME', allow],
    ['not a url', 'VIGIL_ERR_URL_INVALID', allow],
  ];
  for (const [raw, code, options] of refused) {
    it(`refuses ${raw} with ${code}`, () => {
      assert.throws(
        () => CameraUrl.parse(raw, options),
        (error: unknown) => error instanceof VigilError && error.code === code,
      );
    });
  }

  it('does not echo credentials of a URL it cannot parse', () => {
    try {
      CameraUrl.parse('rtsp://user:pw@[bad', deny);
      assert.fail('should throw');
    } catch (error) {
      assert.ok(!JSON.stringify((error as VigilError).toJSON()).includes('pw@'));
    }
  });
});
