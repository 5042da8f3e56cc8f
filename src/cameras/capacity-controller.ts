import type { Logger } from 'pino';
import type { Metrics } from '../observability';
import { INITIAL_CAPACITY, planCapacity, type CameraSample, type CapacityLimits, type CapacityState, type ModeChange } from './capacity-plan';
import type { CameraRuntime } from './camera-runtime';

export interface CapacityControllerOptions {
  readonly runtimes: () => readonly CameraRuntime[];
  readonly limits: CapacityLimits;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly intervalMs?: number;
}

/**
 * Once a second: lets each camera notice it has gone idle, measures the box's analysis lag and
 * each camera's cost, and applies the capacity plan (capacity-plan.ts, pure): at most one camera
 * degraded or restored per check, or one turn shared between two, without reconnecting them.
 */
export class CapacityController {
  readonly #options: CapacityControllerOptions;
  #state: CapacityState = INITIAL_CAPACITY;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: CapacityControllerOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.check(Date.now()), this.#options.intervalMs ?? 1000).unref();
  }

  /** Nothing runs between checks, so closing is immediate. */
  async close(): Promise<void> {
    this.destroy();
  }

  destroy(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One check (the timer's; tests call it with their own time). */
  check(now: number): void {
    const runtimes = this.#options.runtimes();
    const samples: CameraSample[] = [];
    for (const runtime of runtimes) {
      runtime.tick(now);
      const sample = runtime.sample(now);
      if (sample) samples.push(sample);
    }
    const { limits, logger, metrics } = this.#options;
    const decision = planCapacity(limits, this.#state, samples, now);
    this.#state = decision.state;
    metrics.capacityLagSeconds.set((decision.lagMs ?? 0) / 1000);
    for (const change of decision.changes) {
      const runtime = runtimes.find((r) => r.config.id === change.camera);
      const sample = samples.find((s) => s.camera === change.camera);
      const reason = this.#reason(change, sample, decision.lagMs ?? 0);
      logger.warn({ camera: change.camera, mode: change.mode, lagMs: Math.round(decision.lagMs ?? 0), cost: sample?.cost }, reason);
      runtime?.setMode(change.mode, reason);
    }
  }

  #reason(change: ModeChange, sample: CameraSample | undefined, lagMs: number): string {
    const { limits } = this.#options;
    const lag = Math.round(lagMs);
    if (change.why === 'overload') {
      return `overload: analysis lag ${lag} ms (degrade above ${limits.degradeLagMs} ms${lag > limits.dropLagMs ? `, shed at every check above ${limits.dropLagMs} ms` : ''}); the costliest camera (${(sample?.cost ?? 0).toFixed(2)} cores) goes to ${change.mode}`;
    }
    if (change.why === 'recovered') return `recovered: analysis lag ${lag} ms (healthy below ${limits.healthyLagMs} ms); back to ${change.mode}`;
    return `shared: cameras held lowered for ${limits.rotateLoweredMs / 1000} s take turns with those above them; this one goes to ${change.mode}`;
  }
}
