import { processCpuSeconds } from '../observability';

/** Most analysis lags kept between two checks (a second at up to 60 fps). */
const MAX_LAGS = 64;

/**
 * What one camera costs and how far behind its analysis is, between two capacity checks: the lags
 * of its analysed frames, the inference time they took, and its decoder's CPU (from /proc).
 */
export class CameraLoad {
  #lags: number[] = [];
  #inferenceMs = 0;
  #cpu: { seconds: number; at: number } | null = null;

  /** A frame's analysis finished `lagMs` after the frame left the decoder, having taken `inferenceMs` of a worker. */
  analysed(lagMs: number, inferenceMs: number): void {
    if (this.#lags.length < MAX_LAGS) this.#lags.push(lagMs);
    else this.#lags[Math.floor(Math.random() * MAX_LAGS)] = lagMs;
    this.#inferenceMs += inferenceMs;
  }

  /**
   * The lag (the 90th percentile of the analyses since the last call, or how long the frame the
   * camera asked for has waited if that is longer: a starved camera finishes no analysis) and the
   * cost (cores) since the last call; starts the next period.
   */
  take(decoderPid: number | undefined, now: number, waitingSince: number | null = null): { lagMs: number | null; cost: number; decoderCpuSeconds: number } {
    const lags = this.#lags.sort((a, b) => a - b);
    const analysed = lags.length === 0 ? null : (lags[Math.min(lags.length - 1, Math.ceil(lags.length * 0.9) - 1)] as number);
    const waiting = waitingSince === null ? null : Math.max(0, now - waitingSince);
    const lagMs = analysed === null ? waiting : waiting === null ? analysed : Math.max(analysed, waiting);
    const seconds = processCpuSeconds(decoderPid);
    let decoder = 0;
    let decoderCpuSeconds = 0;
    if (seconds !== null && this.#cpu && now > this.#cpu.at) {
      // A new decoder process (a reconnect) starts its count from zero.
      decoderCpuSeconds = seconds >= this.#cpu.seconds ? seconds - this.#cpu.seconds : seconds;
      decoder = decoderCpuSeconds / ((now - this.#cpu.at) / 1000);
    }
    const elapsedMs = this.#cpu ? Math.max(1, now - this.#cpu.at) : 1000;
    const inference = this.#inferenceMs / elapsedMs;
    this.#cpu = seconds === null ? null : { seconds, at: now };
    this.#lags = [];
    this.#inferenceMs = 0;
    return { lagMs, cost: decoder + inference, decoderCpuSeconds };
  }
}
