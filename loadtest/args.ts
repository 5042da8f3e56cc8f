import { parseArgs } from 'node:util';
import type { Resolution } from './media';

export type Suite = 'cameras' | 'events' | 'all';

export interface BenchArgs {
  readonly cameras: number;
  readonly seconds: number;
  readonly resolution: Resolution;
  readonly workers: number;
  /** Recognition on every camera (the product default) or detection only. */
  readonly recognition: boolean;
  readonly suite: Suite;
  /** Run the gateway phase twice: `ingest.degradeTo: off`, then the default (keyframes). */
  readonly adaptiveCompare: boolean;
  /** Export spans over OTLP to a loopback receiver (what tracing costs); off by default, as in the product. */
  readonly tracing: boolean;
}

/** A bad command line: reported as a message and usage, without a stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = [
  'Usage: npm run bench -- --cameras N --seconds S [--resolution 640x360|1280x720|1920x1080] [--workers W]',
  '                        [--recognition on|off] [--suite cameras|events|all] [--adaptive-compare] [--tracing on|off]',
].join('\n');
const RESOLUTIONS = ['640x360', '1280x720', '1920x1080'];
const SUITES: readonly Suite[] = ['cameras', 'events', 'all'];

function positiveInt(name: string, text: string | undefined, fallback?: number): number {
  if (text === undefined && fallback !== undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a positive integer, got "${text ?? ''}"\n${USAGE}`);
  return value;
}

function oneOf<T extends string>(name: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${text}"\n${USAGE}`);
  return text as T;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let values: { cameras?: string; seconds?: string; resolution?: string; workers?: string; recognition?: string; suite?: string; 'adaptive-compare'?: boolean; tracing?: string };
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
        tracing: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const resolution = oneOf('resolution', values.resolution ?? '640x360', RESOLUTIONS);
  const [width, height] = resolution.split('x').map(Number);
  const suite = oneOf('suite', values.suite ?? 'all', SUITES);
  // The events suite alone needs no cameras, so --cameras/--seconds are only required with cameras.
  const needsCameras = suite !== 'events';
  return {
    cameras: needsCameras ? positiveInt('cameras', values.cameras) : positiveInt('cameras', values.cameras, 1),
    seconds: needsCameras ? positiveInt('seconds', values.seconds) : positiveInt('seconds', values.seconds, 1),
    resolution: { width: width ?? 640, height: height ?? 360 },
    workers: positiveInt('workers', values.workers, 1),
    recognition: oneOf('recognition', values.recognition ?? 'on', ['on', 'off']) === 'on',
    suite,
    adaptiveCompare: values['adaptive-compare'] ?? false,
    tracing: oneOf('tracing', values.tracing ?? 'off', ['on', 'off']) === 'on',
  };
}
