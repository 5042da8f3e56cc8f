import { cpus, loadavg } from 'node:os';
import { GatewayProcess } from './gateway';
import { ClockSource } from './live-clock-source';
import { measureCost, type CostResult } from './live-cost';
import { BareDecoder, measureGlass, summarise, type GlassResult, type Latency } from './live-latency';
import type { Resolution } from './media';

/**
 * `npm run bench:live`: what live video costs and how late it is, on this machine, next to the
 * limits measured in the same run (README "Live video", loadtest/README.md).
 *   --suite cost|latency|all (all)   --cameras N (4)   --seconds S (15)   --rounds R (2)
 *   --resolution WxH (1920x1080)     --latency-seconds S (20)
 */
interface Args {
  suite: 'cost' | 'latency' | 'all';
  cameras: number;
  seconds: number;
  rounds: number;
  resolution: Resolution;
  latencySeconds: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { suite: 'all', cameras: 4, seconds: 15, rounds: 2, resolution: { width: 1920, height: 1080 }, latencySeconds: 20 };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1] ?? ''];
    const number = Number(value);
    if (key === '--suite' && (value === 'cost' || value === 'latency' || value === 'all')) args.suite = value;
    else if (key === '--cameras' && number >= 1) args.cameras = number;
    else if (key === '--seconds' && number >= 1) args.seconds = number;
    else if (key === '--rounds' && number >= 1) args.rounds = number;
    else if (key === '--latency-seconds' && number >= 1) args.latencySeconds = number;
    else if (key === '--resolution' && /^\d+x\d+$/.test(value)) args.resolution = { width: Number(value.split('x')[0]), height: Number(value.split('x')[1]) };
    else throw new Error(`bench:live: unknown or bad option ${key} ${value}`);
  }
  return args;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const ms = (l: Latency): string => `p50 ${f1(l.p50Ms)} / p95 ${f1(l.p95Ms)} ms (min ${f1(l.minMs)}, max ${f1(l.maxMs)}, ${l.samples} frames)`;

async function measureLatency(args: Args): Promise<{ glass: GlassResult; bare: Latency; bareUnreadable: number; bareDecodeErrors: number; clockSkipped: number }> {
  const { width, height } = args.resolution;
  const clock = new ClockSource({ width, height, gop: 30, bitrate: '4M' });
  let gateway: GatewayProcess | null = null;
  let bare: BareDecoder | null = null;
  try {
    await clock.start();
    gateway = await GatewayProcess.start({ cameras: [{ id: 'clock', url: clock.url }], workers: 1, recognition: false, idle: true });
    bare = new BareDecoder(clock.url, width);
    const glass = await measureGlass(gateway.baseUrl, 'clock', width, args.latencySeconds, bare);
    return { glass, bare: summarise(bare.latencies), bareUnreadable: bare.unreadable, bareDecodeErrors: bare.decodeErrors, clockSkipped: clock.skipped };
  } finally {
    bare?.stop();
    await gateway?.stop();
    await clock.stop();
  }
}

function report(args: Args, cost: CostResult | null, latency: Awaited<ReturnType<typeof measureLatency>> | null, load: { start: number[]; end: number[] }): void {
  const out: string[] = ['', `Live video bench on ${cpus().length} cores; load average ${load.start.map(f1).join(' ')} at start, ${load.end.map(f1).join(' ')} at end`];
  if (cost) {
    out.push('', `Cost of watching: ${cost.cameras} RTSP cameras at ${cost.resolution.width}x${cost.resolution.height} 30 fps, one viewer each vs none (CPU from /proc, 100 % = one core)`);
    for (const p of cost.phases) out.push(`  ${p.viewed ? 'viewed  ' : 'unviewed'}  gateway ${f1(p.gatewayCpu)} %  decoders ${f1(p.decodersCpu)} %  (other work on the machine ${f1(p.otherCpu)} %)${p.viewed ? `  ${f1((p.viewerBytesPerSecond * 8) / 1e6)} Mbit/s per viewer` : ''}`);
    const c = cost.perViewedCamera;
    out.push(`  per viewed camera: ${f1(c.total)} % of a core (gateway ${f1(c.gateway)} %, its decoder process ${f1(c.decoders)} %); target <= 2 %`);
    out.push(`  noise: the unviewed phases differ by up to ${f1(cost.noisePerCamera)} % per camera between rounds (nothing changed but the machine's other work)`);
    out.push(`  bare floor of the decoder's added work (remux + framing, in-process, same clip): ${f1(cost.remuxFloor.microsPerPacket)} us a packet = ${f2(cost.remuxFloor.percentAt30fps)} % of a core at 30 fps`);
    out.push(`  sent ${f1(cost.sentMbps)} Mbit/s in all, segments dropped ${cost.droppedSegments}`);
  }
  if (latency) {
    const { glass } = latency;
    out.push('', `Glass to glass (${args.resolution.width}x${args.resolution.height} 30 fps clock camera, x264 zerolatency, GStreamer RTSP over TCP -> gateway -> WebSocket -> MSE in headless Chromium)`);
    out.push(`  shown in the page:           ${ms(glass.glass)}; target <= 1000 ms`);
    out.push(`  bare limit, RTSP -> decoded: ${ms(latency.bare)} (the project's decoder process as a second RTSP client, same run)`);
    out.push(`  added by the live path:      p50 ${f1(glass.glass.p50Ms - latency.bare.p50Ms)} ms`);
    out.push(`  player's own figure, packet read by the gateway -> shown: ${ms(glass.readToShownMs)}`);
    out.push(`  frames presented ${glass.framesPresented}, dropped by the browser ${glass.droppedByBrowser}, clock unreadable ${glass.unreadable} (page) / ${latency.bareUnreadable} (bare); clock frames skipped at the source ${latency.clockSkipped}; FFmpeg decode complaints in the bare decoder ${latency.bareDecodeErrors}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  process.stdout.write(`BENCH_JSON ${JSON.stringify({ args, load, cost, latency })}\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const load = { start: loadavg(), end: [] as number[] };
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  let cost: CostResult | null = null;
  let latency: Awaited<ReturnType<typeof measureLatency>> | null = null;
  if (args.suite !== 'latency') {
    log(`cost: ${args.cameras} cameras, ${args.rounds} rounds of ${args.seconds} s unviewed + ${args.seconds} s viewed`);
    cost = await measureCost({ cameras: args.cameras, seconds: args.seconds, rounds: args.rounds, resolution: args.resolution, log });
    await sleep(1000);
  }
  if (args.suite !== 'cost') {
    log(`latency: ${args.latencySeconds} s`);
    latency = await measureLatency(args);
  }
  load.end = loadavg();
  report(args, cost, latency, load);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:live failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
