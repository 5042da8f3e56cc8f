import WebSocket from 'ws';
import { GatewayProcess } from './gateway';
import { rtspCameras } from './cams';
import { MachineLoad, UsageSampler } from './proc-stats';
import { scrape, sumBy, total } from './prometheus';
import { RtspSource } from './rtsp-source';
import { prepareScene } from './scenes';
import type { Resolution } from './media';
import { measureRemuxFloor, type RemuxFloor } from './live-remux-floor';

export interface CostPhase {
  readonly viewed: boolean;
  /** 100 = one core, over the window. */
  readonly gatewayCpu: number;
  readonly decodersCpu: number;
  /** Busy CPU of the machine not counted above (other work on the box, the bench itself). */
  readonly otherCpu: number;
  /** Bytes/s each viewer received. */
  readonly viewerBytesPerSecond: number;
}

export interface CostResult {
  readonly cameras: number;
  readonly resolution: Resolution;
  readonly phases: CostPhase[];
  /** Mean of the viewed phases minus mean of the unviewed ones, divided by the cameras (100 = one core). */
  readonly perViewedCamera: { readonly gateway: number; readonly decoders: number; readonly total: number };
  readonly droppedSegments: number;
  readonly sentMbps: number;
  /** Largest difference between two unviewed phases, per camera: how much the figure moves with nothing changed. */
  readonly noisePerCamera: number;
  /** The bare floor of the decoder process's added work, measured in this run (live-remux-floor.ts). */
  readonly remuxFloor: RemuxFloor;
}

const WARM_UP_MS = 3000;
/** The channel keeps remuxing this long after its last viewer (live-channel's linger) plus a margin. */
const LINGER_MS = 6500;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** N viewers, one per camera: real WebSocket clients that take every segment and count the bytes. */
class Viewers {
  readonly #sockets: WebSocket[];
  bytes = 0;

  constructor(baseUrl: string, cameras: readonly string[]) {
    const ws = baseUrl.replace('http:', 'ws:');
    this.#sockets = cameras.map((id) => {
      const socket = new WebSocket(`${ws}/v1/cameras/${id}/live`, ['vigil.live']);
      socket.on('message', (data: Buffer, binary) => binary && (this.bytes += data.length));
      return socket;
    });
  }

  close(): void {
    for (const s of this.#sockets) s.terminate();
  }
}

/**
 * What watching costs: the gateway and its decoder processes' CPU (from /proc) with every camera
 * watched by one viewer against none, alternating in the same run, after a warm-up each time.
 * The cameras are live RTSP sessions of the stage clip at `resolution`, 30 fps; analysis as the
 * product does it (5 fps, 640x360), recognition off (its cost does not depend on viewing).
 */
export async function measureCost(options: { cameras: number; seconds: number; rounds: number; resolution: Resolution; log: (line: string) => void }): Promise<CostResult> {
  const { cameras, seconds, rounds, resolution, log } = options;
  const runSeconds = rounds * 2 * (seconds + 12) + 60;
  log(`preparing the ${resolution.width}x${resolution.height} scene (${runSeconds} s)...`);
  const { clip } = await prepareScene('faces', resolution, runSeconds);
  log('measuring the bare remux floor (no gateway, no pipe)...');
  const remuxFloor = await measureRemuxFloor(clip);
  const source = await RtspSource.start(clip);
  const gateway = await GatewayProcess.start({ cameras: rtspCameras(source.url, cameras), workers: 1, recognition: false, idle: true });
  const ids = Array.from({ length: cameras }, (_, i) => `bench-${i}`);
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const states = ((await (await fetch(`${gateway.baseUrl}/v1/cameras`)).json()) as { state: string }[]).map((c) => c.state);
      if (states.every((s) => s === 'streaming')) break;
      if (Date.now() > deadline) throw new Error(`cameras not streaming after 60 s: ${states.join(', ')}`);
      await sleep(500);
    }
    const phases: CostPhase[] = [];
    let sentBytes = 0;
    let sentSeconds = 0;
    for (let round = 0; round < rounds; round++) {
      for (const viewed of [false, true]) {
        const viewers = viewed ? new Viewers(gateway.baseUrl, ids) : null;
        await sleep(WARM_UP_MS);
        const startBytes = viewers?.bytes ?? 0;
        const sampler = new UsageSampler(() => gateway.tree(), (s) => (s.pid === gateway.pid ? 'gateway' : 'decoders'));
        const machine = new MachineLoad();
        const started = performance.now();
        sampler.start(500);
        await sleep(seconds * 1000);
        sampler.stop();
        const elapsed = (performance.now() - started) / 1000;
        const machineCpu = machine.cpuPercent();
        const gatewayCpu = sampler.summary('gateway').cpuPercent;
        const decodersCpu = sampler.summary('decoders').cpuPercent;
        const bytes = (viewers?.bytes ?? 0) - startBytes;
        if (viewed) {
          sentBytes += bytes;
          sentSeconds += elapsed;
        }
        const phase = { viewed, gatewayCpu, decodersCpu, otherCpu: Math.max(0, machineCpu - gatewayCpu - decodersCpu), viewerBytesPerSecond: viewed ? bytes / elapsed / cameras : 0 };
        phases.push(phase);
        log(`  round ${round + 1} ${viewed ? 'viewed  ' : 'unviewed'}: gateway ${gatewayCpu.toFixed(1)} %, decoders ${decodersCpu.toFixed(1)} %, other ${phase.otherCpu.toFixed(1)} %`);
        viewers?.close();
        if (viewed) await sleep(LINGER_MS);
      }
    }
    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const of = (viewed: boolean, pick: (p: CostPhase) => number): number => mean(phases.filter((p) => p.viewed === viewed).map(pick));
    const gatewayDelta = (of(true, (p) => p.gatewayCpu) - of(false, (p) => p.gatewayCpu)) / cameras;
    const decodersDelta = (of(true, (p) => p.decodersCpu) - of(false, (p) => p.decodersCpu)) / cameras;
    const dropped = total(sumBy(await scrape(gateway.baseUrl), 'vigil_live_segments_dropped_total', 'reason'));
    const unviewed = phases.filter((p) => !p.viewed).map((p) => p.gatewayCpu + p.decodersCpu);
    const noisePerCamera = (Math.max(...unviewed) - Math.min(...unviewed)) / cameras;
    return { cameras, resolution, phases, perViewedCamera: { gateway: gatewayDelta, decoders: decodersDelta, total: gatewayDelta + decodersDelta }, droppedSegments: dropped, sentMbps: sentSeconds > 0 ? (sentBytes * 8) / sentSeconds / 1e6 : 0, noisePerCamera, remuxFloor };
  } finally {
    await gateway.stop();
    await source.stop();
  }
}
