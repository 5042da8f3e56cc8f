import { parseArgs } from 'node:util';
import type { Resolution } from './media';
import { SCENES, type Scene } from './scenes';

export type Suite = 'cameras' | 'events' | 'all' | 'inference';
export type BenchProvider = 'auto' | 'cpu' | 'cuda' | 'tensorrt' | 'webgpu';

export interface BenchArgs {
  readonly cameras: number;
  readonly seconds: number;
  readonly resolution: Resolution;
  readonly workers: number | 'auto';
  /** Recognition on every camera (the product default) or detection only. */
  readonly recognition: boolean;
  readonly suite: Suite;
  /** Run the gateway phase twice: `ingest.degradeTo: off`, then the default (keyframes). */
  readonly adaptiveCompare: boolean;
  /** Live RTSP cameras (GStreamer's server, RTP over TCP) or files paced by the gateway. */
  readonly source: 'rtsp' | 'file';
  readonly scene: Scene;
  /** `ingest.idle.mode`: keyframes when idle (the product default) or off. */
  readonly idle: boolean;
  /** `inference.provider` for the gateway and the pools; undefined leaves the configuration's default (CPU). */
  readonly provider: BenchProvider | undefined;
  /** Batch sizes of the inference sweep; undefined = the default for the provider in use. */
  readonly batchSizes: readonly number[] | undefined;
  /** Camera counts for the end-to-end part of the inference suite (one gateway phase each). */
  readonly camerasSweep: readonly number[];
  /** Export spans over OTLP to a loopback receiver (what tracing costs); off by default, as in the product. */
  readonly tracing: boolean;
  /**
   * `detectedEvents` on every camera: off is the product default; on adds per-frame events, each
   * face's liveness scored on every frame, and the WebSocket frame-to-event figure.
   */
  readonly detectedEvents: boolean;
  /** Seconds the cameras run before the measured window (undefined: the gateway phase's own few seconds); a longer one leaves the controller's first shedding out. */
  readonly warmUpSeconds: number | undefined;
}

/** A bad command line: reported as a message and usage, without a stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = [
  'Usage: npm run bench -- --cameras N --seconds S [--resolution 640x360|1280x720|1920x1080] [--workers W|auto]',
  '                        [--recognition on|off] [--suite cameras|events|all|inference] [--adaptive-compare] [--tracing on|off]',
  '                        [--source rtsp|file] [--scene faces|idle|idle-then-face] [--idle on|off] [--warm-up S]',
  '                        [--detected-events on|off]',
  '       npm run bench -- --gpu [--provider auto|cpu|cuda|tensorrt|webgpu] [--seconds S] [--workers W|auto]',
  '                        [--batch-sizes 1,2,4,8,16] [--cameras-sweep 8,16,32]',
].join('\n');
const RESOLUTIONS = ['640x360', '1280x720', '1920x1080'];
const SUITES: readonly Suite[] = ['cameras', 'events', 'all', 'inference'];
const PROVIDERS: readonly BenchProvider[] = ['auto', 'cpu', 'cuda', 'tensorrt', 'webgpu'];

function positiveInt(name: string, text: string | undefined, fallback?: number): number {
  if (text === undefined && fallback !== undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a positive integer, got "${text ?? ''}"\n${USAGE}`);
  return value;
}

function intList(name: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((part) => positiveInt(name, part.trim()));
}

function oneOf<T extends string>(name: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${text}"\n${USAGE}`);
  return text as T;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let values: {
    cameras?: string; seconds?: string; resolution?: string; workers?: string; recognition?: string; suite?: string; 'adaptive-compare'?: boolean;
    gpu?: boolean; provider?: string; 'batch-sizes'?: string; 'cameras-sweep'?: string; source?: string; scene?: string; idle?: string; tracing?: string; 'warm-up'?: string;
    'detected-events'?: string;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        cameras: { type: 'string' },
        seconds: { type: 'string' },
        resolution: { type: 'string' },
        workers: { type: 'string' },
        recognition: { type: 'string' },
        suite: { type: 'string' },
        'adaptive-compare': { type: 'boolean' },
        source: { type: 'string' },
        scene: { type: 'string' },
        idle: { type: 'string' },
        gpu: { type: 'boolean' },
        provider: { type: 'string' },
        'batch-sizes': { type: 'string' },
        'cameras-sweep': { type: 'string' },
        tracing: { type: 'string' },
        'warm-up': { type: 'string' },
        'detected-events': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const resolution = oneOf('resolution', values.resolution ?? '640x360', RESOLUTIONS);
  const [width, height] = resolution.split('x').map(Number);
  // --gpu is the inference suite on whatever accelerator loads (auto), the CPU otherwise.
  const suite = values.gpu ? 'inference' : oneOf('suite', values.suite ?? 'all', SUITES);
  if (values.gpu && values.suite !== undefined && values.suite !== 'inference') throw new UsageError(`--gpu runs the inference suite; --suite ${values.suite} does not go with it\n${USAGE}`);
  // The events and inference suites need no cameras, so --cameras/--seconds are only required with cameras.
  const needsCameras = suite === 'cameras' || suite === 'all';
  const provider = values.provider !== undefined ? oneOf('provider', values.provider, PROVIDERS) : values.gpu ? 'auto' : undefined;
  return {
    cameras: needsCameras ? positiveInt('cameras', values.cameras) : positiveInt('cameras', values.cameras, 1),
    seconds: needsCameras ? positiveInt('seconds', values.seconds) : positiveInt('seconds', values.seconds, suite === 'inference' ? 5 : 1),
    resolution: { width: width ?? 640, height: height ?? 360 },
    workers: values.workers === 'auto' ? 'auto' : positiveInt('workers', values.workers, 1),
    recognition: oneOf('recognition', values.recognition ?? 'on', ['on', 'off']) === 'on',
    suite,
    adaptiveCompare: values['adaptive-compare'] ?? false,
    source: oneOf('source', values.source ?? 'rtsp', ['rtsp', 'file']),
    scene: oneOf('scene', values.scene ?? 'faces', SCENES),
    idle: oneOf('idle', values.idle ?? 'on', ['on', 'off']) === 'on',
    provider,
    batchSizes: intList('batch-sizes', values['batch-sizes']),
    camerasSweep: intList('cameras-sweep', values['cameras-sweep']) ?? [],
    tracing: oneOf('tracing', values.tracing ?? 'off', ['on', 'off']) === 'on',
    warmUpSeconds: values['warm-up'] === undefined ? undefined : positiveInt('warm-up', values['warm-up']),
    detectedEvents: oneOf('detected-events', values['detected-events'] ?? 'off', ['on', 'off']) === 'on',
  };
}
