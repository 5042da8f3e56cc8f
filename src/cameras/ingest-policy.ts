import type { CameraConfig, Config } from '../config';
import type { IngestPolicy } from '../ingest';

/** The ingest policy for one camera: the global settings with the camera's own overrides. Pure. */
export function ingestPolicyFor(camera: CameraConfig, config: Pick<Config, 'gateway' | 'ingest'>): IngestPolicy {
  const { gateway, ingest } = config;
  return {
    backoff: { baseMs: camera.restartDelayMs ?? gateway.restartDelayMs, maxMs: camera.restartDelayMaxMs ?? gateway.restartDelayMaxMs },
    healthyAfterMs: ingest.healthyAfterMs,
    stallTimeoutMs: camera.stallTimeoutMs ?? ingest.stallTimeoutMs,
    maxFpsFactor: ingest.maxFpsFactor,
    rateWindowMs: ingest.rateWindowMs,
    ringFrames: camera.ringFrames ?? ingest.ringFrames,
    ringBytes: ingest.ringBytes,
    hwaccel: camera.hwaccel ?? ingest.hwaccel,
  };
}
