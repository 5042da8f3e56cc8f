import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './paths';
import type { ProcessGroup } from './processes';

/** Debian's python3 carries python3-gi (GStreamer bindings); a pyenv python3 on PATH would not. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface RtspTcpCamera {
  readonly url: string;
  readonly server: ChildProcess;
}

/**
 * A real RTSP server (GStreamer's gst-rtsp-server, test/helpers/rtsp-tcp-server.py) serving `clip`
 * at rtsp://127.0.0.1:PORT/cam on a port the kernel picked; it speaks RTP over the RTSP TCP
 * connection (interleaved) as well as UDP. Each client gets the clip from its start.
 */
export async function startRtspTcpCamera(group: ProcessGroup, clip: string): Promise<RtspTcpCamera> {
  const server = group.spawn(SYSTEM_PYTHON, [join(ROOT, 'test', 'helpers', 'rtsp-tcp-server.py'), clip, '0']);
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    let errors = '';
    server.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
    const timer = setTimeout(() => reject(new Error(`GStreamer RTSP server not ready in 15 s: ${seen} ${errors}`)), 15_000);
    server.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /ready (\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`GStreamer RTSP server exited with ${String(code)}: ${errors}`));
    });
  });
  return { url: `rtsp://127.0.0.1:${port}/cam`, server };
}
