import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLIP } from '../helpers/paths';
import { ProcessGroup, cmdline, decoderPids, signalGroup, exited } from '../helpers/processes';
import { startRtspCamera, type RtspCamera } from '../helpers/rtsp-camera';
import { startGateway, type Gateway } from '../helpers/gateway';
import { cameras } from '../helpers/camera-status';
import { resolveFfmpegPath } from '../../src/ingest';
import { waitFor } from '../helpers/wait';

/**
 * The ffmpeg decoder backend over RTSP with both ffmpeg generations it meets: Debian's 5.1 (found
 * on PATH and preferred over the bundled one) and the bundled static 4.1 (FFMPEG_PATH). FFmpeg 5
 * removed `-stimeout`, so arguments built for 4.1 failed every RTSP camera on a system ffmpeg.
 * Hardware decoding asked for on a machine without the device falls back to software, saying why.
 */
describe('ingest: RTSP through the ffmpeg command, Debian 5.1 and the bundled 4.1', () => {
  const group = new ProcessGroup();
  let camera: RtspCamera;

  before(async () => {
    camera = await startRtspCamera(group, CLIP);
  });
  after(async () => group.killAll());

  async function run(env: Record<string, string>, check: (gateway: Gateway, args: string[]) => Promise<void>): Promise<void> {
    const gateway = await startGateway(
      group,
      {
        ingest: { decoder: 'ffmpeg', idle: { mode: 'off' } },
        cameras: [
          { id: 'plain', url: camera.url, rtspTransport: 'udp', fps: 5, width: 320, height: 180, recognition: false },
          { id: 'gpu', url: camera.url, rtspTransport: 'udp', fps: 5, width: 320, height: 180, recognition: false, hwaccel: 'cuda' },
        ],
      },
      env,
    );
    try {
      await waitFor(async () => {
        const all = await cameras(gateway.baseUrl);
        return ['plain', 'gpu'].every((id) => (all.get(id)?.framesDecoded ?? 0) >= 5);
      }, { timeoutMs: 45_000, what: 'both RTSP cameras decoding frames' }).catch(async (error: Error) => {
        const seen = [...(await cameras(gateway.baseUrl)).values()].map((c) => `${c.id}: ${c.state} ${c.lastError?.message ?? ''}`);
        throw new Error(`${error.message}\n${seen.join('\n')}`);
      });
      const pid = gateway.process.pid as number;
      const args = decoderPids(pid).map(cmdline).find((a) => a.includes('-rtsp_transport')) ?? [];
      await check(gateway, args);
    } finally {
      signalGroup(gateway.process, 'SIGTERM');
      await exited(gateway.process, 15_000);
    }
  }

  it("Debian's ffmpeg 5.1, preferred from PATH: -timeout, frames, and CUDA asked for but absent means software with the reason", async () => {
    await run({ PATH: `/usr/bin:${process.env.PATH ?? ''}` }, async (gateway, args) => {
      assert.equal(args[0], '/usr/bin/ffmpeg', 'the system ffmpeg, not the bundled one');
      assert.ok(args.includes('-timeout') && !args.includes('-stimeout'), args.join(' '));
      const chosen = gateway.logs.find((l) => l.msg === 'decoding with the ffmpeg command') as { path: string; release: string } | undefined;
      assert.equal(chosen?.path, '/usr/bin/ffmpeg');
      assert.match(chosen?.release ?? '', /^(5\.[1-9]|[6-9]\.)/);
      const gpu = (await cameras(gateway.baseUrl)).get('gpu');
      assert.equal(gpu?.hwaccel.requested, 'cuda');
      assert.equal(gpu?.hwaccel.active, 'none');
      assert.match(gpu?.hwaccel.reason ?? '', /^cuda: .*decoding in software$/);
      const plain = (await cameras(gateway.baseUrl)).get('plain');
      assert.deepEqual(plain?.hwaccel, { requested: 'none', active: 'none', reason: null });
      const metrics = await (await fetch(`${gateway.baseUrl}/metrics`)).text();
      assert.match(metrics, /vigil_camera_hwaccel\{camera="gpu",requested="cuda",active="none"\} 1/);
      assert.match(metrics, /vigil_camera_hwaccel_fallbacks_total\{camera="gpu",requested="cuda"\} [1-9]/);
      assert.ok(gateway.logs.some((l) => l.camera === 'gpu' && l.level === 40 && String(l.msg).startsWith('hardware decoding (cuda) unavailable')), 'the fallback is logged with its reason');
    });
  });

  it('the bundled static ffmpeg 4.1 (FFMPEG_PATH): -stimeout, and frames', async () => {
    const bundled = resolveFfmpegPath();
    await run({ FFMPEG_PATH: bundled }, async (_gateway, args) => {
      assert.equal(args[0], bundled);
      assert.ok(args.includes('-stimeout') && !args.includes('-timeout'), args.join(' '));
    });
  });
});
