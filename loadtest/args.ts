import { parseArgs } from 'node:util';
import type { Resolution } from './media';

export interface BenchArgs {
  readonly cameras: number;
  readonly seconds: number;
  readonly resolution: Resolution;
  readonly workers: number;
}

/** A bad command line: reported as a message and usage, without a stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = 'Usage: npm run bench -- --cameras N --seconds S [--resolution 640x360|1280x720|1920x1080] [--workers W]';
const RESOLUTIONS = ['640x360', '1280x720', '1920x1080'];

function positiveInt(name: string, text: string | undefined, fallback?: number): number {
  if (text === undefined && fallback !== undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a positive integer, got "${text ?? ''}"\n${USAGE}`);
  return value;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let values: { cameras?: string; seconds?: string; resolution?: string; workers?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { cameras: { type: 'string' }, seconds: { type: 'string' }, resolution: { type: 'string' }, workers: { type: 'string' } },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const resolution = values.resolution ?? '640x360';
  if (!RESOLUTIONS.includes(resolution)) throw new UsageError(`--resolution must be one of ${RESOLUTIONS.join(', ')}\n${USAGE}`);
  const [width, height] = resolution.split('x').map(Number);
  return {
    cameras: positiveInt('cameras', values.cameras),
    seconds: positiveInt('seconds', values.seconds),
    resolution: { width: width ?? 640, height: height ?? 360 },
    workers: positiveInt('workers', values.workers, 1),
  };
}
