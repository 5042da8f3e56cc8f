import { closeSync, openSync, writeSync } from 'node:fs';
import { mediaMessage } from '../src/ingest';
import { loadFFmpegLibraries } from '../src/ingest/native/libav';
import { LiveRemux } from '../src/ingest/native/live-remux';

export interface RemuxFloor {
  readonly packets: number;
  /** Added CPU per packet (remux + framing + a write to /dev/null), median of the repetitions. */
  readonly microsPerPacket: number;
  /** At 30 packets a second (a 30 fps camera), in % of one core. */
  readonly percentAt30fps: number;
}

/**
 * The floor of what remuxing adds to a decoder process: the scene's packets read from the file as
 * fast as possible, with and without the live remux (the decoder process's own LiveRemux and
 * message framing, output to /dev/null), in this process; CPU from process.cpuUsage. No pipe, no
 * gateway, no scheduling: what the work itself costs.
 */
export async function measureRemuxFloor(clip: string, packets = 900, repetitions = 5): Promise<RemuxFloor> {
  const libraries = await loadFFmpegLibraries();
  const { av, c } = libraries;
  const devNull = openSync('/dev/null', 'w');
  const run = async (live: boolean): Promise<number> => {
    const input = new av.FormatContext();
    if ((await input.openInput(clip, null, null)) < 0) throw new Error(`cannot open ${clip}`);
    await input.findStreamInfo();
    const index = input.findBestStream(c.AVMEDIA_TYPE_VIDEO);
    const stream = input.streams?.[index];
    if (!stream) throw new Error('no video stream');
    const remux = new LiveRemux(libraries, { media: (...m) => void writeSync(devNull, mediaMessage(...m)), event: () => undefined, backlog: () => 0 }, 8 * 1024 * 1024);
    remux.set(live);
    const packet = new av.Packet();
    packet.alloc();
    let n = 0;
    const before = process.cpuUsage();
    while (n < packets && (await input.readFrame(packet)) >= 0) {
      if (packet.streamIndex === index) {
        remux.packet(packet, stream);
        n += 1;
      }
      packet.unref();
    }
    const used = process.cpuUsage(before);
    remux.close();
    packet.free();
    await input.closeInput();
    return used.user + used.system;
  };
  const deltas: number[] = [];
  try {
    await run(true); // warm-up: JIT, library pages
    for (let i = 0; i < repetitions; i++) {
      const off = await run(false);
      const on = await run(true);
      deltas.push((on - off) / packets);
    }
  } finally {
    closeSync(devNull);
  }
  deltas.sort((a, b) => a - b);
  const micros = deltas[Math.floor(deltas.length / 2)] ?? Number.NaN;
  return { packets, microsPerPacket: micros, percentAt30fps: (micros * 30) / 10_000 };
}
