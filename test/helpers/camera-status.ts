import WebSocket from 'ws';

/** A vigil.camera.status event as a subscriber receives it. */
export interface StatusEvent {
  readonly type: 'vigil.camera.status';
  readonly time: string;
  readonly subject: string;
  readonly data: {
    readonly camera: string;
    readonly state: string;
    readonly previousState: string;
    readonly reason: string | null;
    readonly lastError: { readonly code: string; readonly message: string } | null;
    readonly mode: string;
    readonly attempt: number;
  };
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
    states: (camera) => events.filter((e) => e.data.camera === camera).map((e) => e.data.state),
    close: () => socket.close(),
  };
}

export interface CameraInfo {
  readonly id: string;
  readonly url: string;
  readonly state: string;
  readonly stateReason: string | null;
  readonly lastError: { code: string; message: string } | null;
  readonly framesDecoded: number;
  readonly framesAnalyzed: number;
  readonly framesDropped: number;
  readonly mode: string;
  readonly attempt: number;
  readonly reconnectsLastHour: number;
  readonly stallsLastHour: number;
}

export async function cameras(baseUrl: string): Promise<Map<string, CameraInfo>> {
  const list = (await (await fetch(`${baseUrl}/v1/cameras`)).json()) as CameraInfo[];
  return new Map(list.map((c) => [c.id, c]));
}
