import type { CameraConfig } from '../config';

export type CameraOrigin = 'config' | 'api';

export interface DesiredCamera {
  readonly config: CameraConfig;
  readonly origin: CameraOrigin;
}

/**
 * The cameras that should run: every streams.yaml camera, and every API camera whose id the file
 * does not use. The file is the declarative base and wins; a shadowed API camera stays stored
 * and comes back if the file drops that id. Pure.
 */
export function desiredCameras(fileCameras: readonly CameraConfig[], apiCameras: readonly CameraConfig[]): { cameras: DesiredCamera[]; shadowed: string[] } {
  const fileIds = new Set(fileCameras.map((c) => c.id));
  const cameras: DesiredCamera[] = fileCameras.map((config) => ({ config, origin: 'config' }));
  const shadowed: string[] = [];
  for (const config of apiCameras) {
    if (fileIds.has(config.id)) shadowed.push(config.id);
    else cameras.push({ config, origin: 'api' });
  }
  return { cameras, shadowed };
}

export interface CameraPlan {
  readonly add: DesiredCamera[];
  /** Settings (or origin) changed: stop the old runtime and start a new one. */
  readonly replace: DesiredCamera[];
  readonly remove: string[];
}

function sameSettings(a: CameraConfig, b: CameraConfig): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (JSON.stringify((a as Record<string, unknown>)[key]) !== JSON.stringify((b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** What to start, restart and stop to get from the running cameras to the desired ones; untouched cameras keep running. Pure. */
export function planCameras(running: ReadonlyMap<string, DesiredCamera>, desired: readonly DesiredCamera[]): CameraPlan {
  const add: DesiredCamera[] = [];
  const replace: DesiredCamera[] = [];
  const wanted = new Set<string>();
  for (const camera of desired) {
    wanted.add(camera.config.id);
    const current = running.get(camera.config.id);
    if (!current) add.push(camera);
    else if (current.origin !== camera.origin || !sameSettings(current.config, camera.config)) replace.push(camera);
  }
  const remove = [...running.keys()].filter((id) => !wanted.has(id));
  return { add, replace, remove };
}
