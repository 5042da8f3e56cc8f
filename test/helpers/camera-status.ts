import WebSocket from 'ws';
import type { CameraStatusData, CameraView } from '../../web/src/wire-types';

/** A vigil.camera.status event as a subscriber receives it (shapes generated from the server's schemas). */
export interface StatusEvent {
  readonly type: 'vigil.camera.status';
  readonly time: string;
  readonly subject: string;
  readonly data: CameraStatusData;
}

export interface StatusWatcher {
  readonly events: StatusEvent[];
  /** States of one camera in the order they were entered. */
  states(camera: string): string[];
  close(): void;
}

/** Subscribes to the gateway's WebSocket and keeps every vigil.camera.status event. */
export async function watchStatus(wsUrl: string): Promise<StatusWatcher> {
  const socket = new WebSocket(wsUrl);
  const events: StatusEvent[] = [];
  socket.on('message', (data) => {
    const event = JSON.parse(String(data)) as { type: string };
    if (event.type === 'vigil.camera.status') events.push(event as StatusEvent);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    events,
    // A status with the same state (decode work changed: idle, degraded, restored) enters no state.
    states: (camera) => events.filter((e) => e.data.camera === camera && e.data.state !== e.data.previousState).map((e) => e.data.state),
    close: () => socket.close(),
  };
}

export type CameraInfo = CameraView;

export async function cameras(baseUrl: string): Promise<Map<string, CameraInfo>> {
  const list = (await (await fetch(`${baseUrl}/v1/cameras`)).json()) as CameraInfo[];
  return new Map(list.map((c) => [c.id, c]));
}
