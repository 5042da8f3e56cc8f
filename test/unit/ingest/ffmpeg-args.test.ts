import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CameraUrl, buildFfmpegArgs, describeFfmpegArgs } from '../../../src/ingest';

const options = { allowLocalFiles: true, baseDir: '/srv' };
const base = { fps: 5, width: 640, height: 360, rtspTransport: 'tcp' as 'tcp' | 'udp', loop: true };

function valueAfter(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

describe('buildFfmpegArgs', () => {
  const table: Array<{ url: string; overrides?: Partial<typeof base>; expect: Record<string, string | undefined>; absent?: string[] }> = [
    { url: 'rtsp://cam/s', expect: { '-rtsp_transport': 'tcp', '-protocol_whitelist': 'rtsp,rtp,udp,tcp', '-stimeout': '10000000' }, absent: ['-re'] },
    { url: 'rtsp://cam/s', overrides: { rtspTransport: 'udp' }, expect: { '-rtsp_transport': 'udp' } },
    { url: 'rtmp://cam/live/x', expect: { '-protocol_whitelist': 'rtmp,tcp', '-rw_timeout': '10000000' }, absent: ['-rtsp_transport', '-re'] },
    { url: 'file:clip.mp4', expect: { '-stream_loop': '-1', '-protocol_whitelist': 'file', '-i': '/srv/clip.mp4' } },
    { url: 'file:clip.mp4', overrides: { loop: false }, expect: {}, absent: ['-stream_loop'] },
    { url: 'rtsps://cam/s', expect: { '-rtsp_transport': 'tcp', '-stimeout': '10000000', '-protocol_whitelist': 'rtsps,rtsp,rtp,udp,tcp,tls' }, absent: ['-timeout'] },
    { url: 'rtmps://cdn/live/x', expect: { '-rw_timeout': '10000000', '-protocol_whitelist': 'rtmps,rtmp,tcp,tls' } },
    { url: 'http://cam/video.mjpg', expect: { '-rw_timeout': '10000000', '-protocol_whitelist': 'http,https,tcp,tls,crypto' }, absent: ['-re', '-rtsp_transport'] },
    { url: 'https://cdn/live/index.m3u8', expect: { '-protocol_whitelist': 'http,https,tcp,tls,crypto' } },
  ];
  for (const row of table) {
    it(`${row.url} ${JSON.stringify(row.overrides ?? {})}`, () => {
      const args = buildFfmpegArgs({ ...base, ...row.overrides, url: CameraUrl.parse(row.url, options) });
      for (const [flag, value] of Object.entries(row.expect)) assert.equal(valueAfter(args, flag), value, flag);
      for (const flag of row.absent ?? []) assert.ok(!args.includes(flag), `${flag} absent`);
      if (row.url.startsWith('file:')) assert.ok(args.includes('-re'), 'files are paced at real time');
      // Every source: video only, analysis rate and exact size, raw RGB to stdout.
      assert.equal(valueAfter(args, '-f'), 'rawvideo');
      assert.equal(valueAfter(args, '-pix_fmt'), 'rgb24');
      assert.equal(args.at(-1), 'pipe:1');
      assert.match(valueAfter(args, '-vf') ?? '', /^fps=5,scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:/);
      assert.ok(args.indexOf('-protocol_whitelist') < args.indexOf('-i'), 'whitelist applies to the input');
    });
  }

  it('connects to an address Vigil resolved, naming the real host for HTTP virtual hosting', () => {
    const url = CameraUrl.parse('http://user:pw@cams.example:8080/live.m3u8', options);
    const args = buildFfmpegArgs({ ...base, url, address: '10.1.2.3' });
    assert.equal(valueAfter(args, '-i'), 'http://user:pw@10.1.2.3:8080/live.m3u8');
    assert.equal(valueAfter(args, '-headers'), 'Host: cams.example:8080\r\n');
    assert.ok(!buildFfmpegArgs({ ...base, url }).includes('-headers'), 'no extra header when ffmpeg resolves the name');
    const rtsp = buildFfmpegArgs({ ...base, url: CameraUrl.parse('rtsp://cam.example/s', options), address: '10.1.2.4' });
    assert.equal(valueAfter(rtsp, '-i'), 'rtsp://10.1.2.4/s');
  });

  it('never lets a network camera open local files or concat/subfile', () => {
    for (const url of ['rtsp://c/s', 'rtsps://c/s', 'rtmp://c/s', 'rtmps://c/s', 'http://c/s', 'https://c/s']) {
      const list = valueAfter(buildFfmpegArgs({ ...base, url: CameraUrl.parse(url, options) }), '-protocol_whitelist') ?? '';
      for (const banned of ['file', 'concat', 'subfile', 'pipe', 'data']) assert.ok(!list.split(',').includes(banned), `${url}: ${banned} not allowed`);
    }
  });

  it('decodes only key frames in keyframes mode, capped at the rate without duplicating frames', () => {
    const args = buildFfmpegArgs({ ...base, mode: 'keyframes', url: CameraUrl.parse('rtsp://cam/s', options) });
    assert.equal(valueAfter(args, '-skip_frame'), 'nokey');
    assert.ok(args.indexOf('-skip_frame') < args.indexOf('-i'), '-skip_frame is a decoder (input) option');
    assert.equal(valueAfter(args, '-r'), '5');
    assert.equal(valueAfter(args, '-vsync'), 'vfr');
    assert.match(valueAfter(args, '-vf') ?? '', /^scale=640:360/);
  });

  it('analyses half the frames in half-fps mode', () => {
    const args = buildFfmpegArgs({ ...base, mode: 'half-fps', url: CameraUrl.parse('rtsp://cam/s', options) });
    assert.match(valueAfter(args, '-vf') ?? '', /^fps=2.5,scale=/);
    assert.ok(!args.includes('-skip_frame'));
  });

  it('gives the real URL to ffmpeg and the redacted one to logs', () => {
    const spec = { ...base, url: CameraUrl.parse('rtsp://u:topsecret@cam/s', options) };
    assert.ok(buildFfmpegArgs(spec).includes('rtsp://u:topsecret@cam/s'));
    assert.ok(!describeFfmpegArgs(spec).join(' ').includes('topsecret'));
  });
});

describe('buildFfmpegArgs for the ffmpeg it runs (probed version)', () => {
  const caps = (major: number, minor: number) => ({ version: `${major}.${minor}`, major, minor, protocols: [], hwaccels: [] });
  // FFmpeg 5 removed -stimeout (RTSP cameras failed with "Unrecognized option 'stimeout'") and
  // made -timeout the socket timeout; 5.1 replaced -vsync with -fps_mode.
  const table: Array<{ ffmpeg: ReturnType<typeof caps> | undefined; timeout: string; sync: string }> = [
    { ffmpeg: undefined, timeout: '-stimeout', sync: '-vsync' },
    { ffmpeg: caps(4, 1), timeout: '-stimeout', sync: '-vsync' },
    { ffmpeg: caps(4, 4), timeout: '-stimeout', sync: '-vsync' },
    { ffmpeg: caps(5, 0), timeout: '-timeout', sync: '-vsync' },
    { ffmpeg: caps(5, 1), timeout: '-timeout', sync: '-fps_mode' },
    { ffmpeg: caps(6, 0), timeout: '-timeout', sync: '-fps_mode' },
    { ffmpeg: caps(7, 1), timeout: '-timeout', sync: '-fps_mode' },
    { ffmpeg: caps(8, 0), timeout: '-timeout', sync: '-fps_mode' },
  ];
  for (const row of table) {
    it(`ffmpeg ${row.ffmpeg?.version ?? '(not probed: the bundled 4.1)'}: RTSP ${row.timeout}, key frames ${row.sync}`, () => {
      const url = CameraUrl.parse('rtsps://cam/s', options);
      const args = buildFfmpegArgs({ ...base, url, mode: 'keyframes', ...(row.ffmpeg && { ffmpeg: row.ffmpeg }) });
      assert.equal(valueAfter(args, row.timeout), '10000000');
      const other = row.timeout === '-timeout' ? '-stimeout' : '-timeout';
      assert.ok(!args.includes(other), `${other} absent`);
      assert.ok(args.indexOf(row.timeout) < args.indexOf('-i'), 'an input option');
      assert.equal(valueAfter(args, row.sync), 'vfr');
      assert.ok(!args.includes(row.sync === '-vsync' ? '-fps_mode' : '-vsync'));
      const rtmp = buildFfmpegArgs({ ...base, url: CameraUrl.parse('rtmp://cam/x', options), ...(row.ffmpeg && { ffmpeg: row.ffmpeg }) });
      assert.equal(valueAfter(rtmp, '-rw_timeout'), '10000000', 'rw_timeout is the same in every version');
    });
  }

  it('asks for hardware decoding as an input option when one was chosen, never for none', () => {
    const url = CameraUrl.parse('rtsp://cam/s', options);
    const cuda = buildFfmpegArgs({ ...base, url, hwaccel: 'cuda', ffmpeg: caps(5, 1) });
    assert.equal(valueAfter(cuda, '-hwaccel'), 'cuda');
    assert.ok(cuda.indexOf('-hwaccel') < cuda.indexOf('-i'));
    assert.ok(!cuda.includes('-hwaccel_output_format'), 'frames come back to memory for the scale filter');
    assert.ok(!buildFfmpegArgs({ ...base, url, hwaccel: 'none' }).includes('-hwaccel'));
    assert.ok(!buildFfmpegArgs({ ...base, url }).includes('-hwaccel'));
  });
});
