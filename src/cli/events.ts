import WebSocket from 'ws';

/**
 * `vigil events`: prints the gateway's events as they arrive, one JSON object per line (or a short
 * human summary), until interrupted. A quick way to see what dashboards and consumers receive.
 */
export function tailEvents(url: string, json: boolean, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    const stop = (): void => socket.close(1000);
    process.once('SIGINT', stop);
    // The reader went away (for example `vigil events | head`): stop quietly.
    out.on('error', stop);
    socket.on('message', (data) => {
      const text = String(data);
      out.write(`${json ? text : summarise(text)}\n`);
    });
    socket.on('error', (error) => {
      process.stderr.write(`vigil events: cannot connect to ${url}: ${error.message}\n`);
    });
    socket.on('close', (code) => {
      process.off('SIGINT', stop);
      resolve(code === 1000 || code === 1001 || code === 1005 ? 0 : 1);
    });
  });
}

function summarise(text: string): string {
  try {
    const event = JSON.parse(text) as { type?: string; time?: string; subject?: string; data?: { faces?: { score: number; box: { width: number; height: number } }[] } };
    const faces = event.data?.faces ?? [];
    const sizes = faces.map((f) => `${f.box.width}x${f.box.height}@${f.score.toFixed(2)}`).join(' ');
    return `${event.time ?? '?'}  ${event.subject ?? '?'}  ${event.type ?? '?'}  ${faces.length} face(s) ${sizes}`;
  } catch {
    return text;
  }
}
