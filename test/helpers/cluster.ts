import { copyFileSync, linkSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CameraView } from '../../web/src/wire-types';
import { startGateway, type Gateway } from './gateway';
import { CLIP } from './paths';
import { allDecoderPids, childPids, decoderPids, openFiles, signalGroup, type ProcessGroup } from './processes';

/** An admin token every gateway of a test cluster is configured with (VIGIL_TOKENS). */
export const ADMIN = 'admin-token-0123456789abcdef';

export interface ClusterGateway extends Gateway {
  readonly instanceId: string;
}

/**
 * One file camera per id, each reading its own hard link to the clip (a copy across file
 * systems), so the decoder running a camera can be told from the file it has open
 * (`/proc/PID/fd`), whatever the gateways report. A symbolic link would not do: an open file
 * shows the path it resolved to.
 */
export function fileCameras(dir: string, ids: readonly string[], extra: Record<string, unknown> = {}): Record<string, unknown>[] {
  return ids.map((id) => {
    const path = join(dir, `${id}.mp4`);
    try {
      linkSync(CLIP, path);
    } catch {
      copyFileSync(CLIP, path);
    }
    return { id, url: `file:${path}`, fps: 1, width: 160, height: 96, recognition: false, ...extra };
  });
}

/** Starts a gateway in cluster mode (VIGIL_CLUSTER=1) with the streams file every member shares. */
export function startMember(group: ProcessGroup, instanceId: string, bootstrap: string, config: Record<string, unknown>, env: Record<string, string> = {}): Promise<ClusterGateway> {
  const file = { ...config, gateway: { ...(config.gateway as object), instanceId } };
  return startGateway(group, file, { VIGIL_CLUSTER: '1', KAFKA_BROKERS: bootstrap, VIGIL_TOKENS: `admin:${ADMIN}`, ...env }).then((g) => ({ ...g, instanceId }));
}

export function api(gateway: Gateway, path: string, init: RequestInit = {}, token = ADMIN): Promise<Response> {
  return fetch(`${gateway.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body && typeof init.body === 'string' && { 'content-type': 'application/json' }), ...(init.headers as Record<string, string>) } });
}

export async function cameraList(gateway: Gateway): Promise<CameraView[]> {
  const response = await api(gateway, '/v1/cameras');
  if (response.status !== 200) throw new Error(`GET /v1/cameras: ${response.status}`);
  return (await response.json()) as CameraView[];
}

/** The camera a decoder process reads: the `<id>.mp4` under `dir` (any folder when omitted) it has open. */
function cameraOpenBy(pid: number, dir?: string): string | null {
  const pattern = dir === undefined ? /\/([A-Za-z0-9_.-]+)\.mp4$/ : new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/([A-Za-z0-9_.-]+)\\.mp4$`);
  for (const path of openFiles(pid)) {
    const match = pattern.exec(path);
    if (match?.[1]) return match[1];
  }
  return null;
}

/** Which cameras each gateway's own decoder processes read (the ground truth, from the processes' open files). */
export function decodersOf(gateway: Gateway): string[] {
  return decoderPids(gateway.process.pid as number)
    .map((pid) => cameraOpenBy(pid))
    .filter((camera): camera is string => camera !== null)
    .sort();
}

/** Every running decoder of a camera under `dir`, by camera: the parent processes (gateways) running it. */
export function decodersUnder(dir: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const pid of allDecoderPids()) {
    try {
      const camera = cameraOpenBy(pid, dir);
      if (!camera) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.set(camera, (out.get(camera) ?? new Set()).add(parent));
    } catch {
      // Exited while we looked.
    }
  }
  return out;
}

/** A machine dying: SIGKILL to the gateway and its decoders at once (no graceful anything). */
export function killHard(gateway: Gateway): void {
  const children = childPids(gateway.process.pid as number);
  signalGroup(gateway.process, 'SIGKILL');
  for (const pid of children) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  }
}
