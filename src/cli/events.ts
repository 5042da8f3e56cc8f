import WebSocket from 'ws';

/**
 * `vigil events`: prints the gateway's events as they arrive, one JSON object per line (or a short
 * human summary), until interrupted. A quick way to see what dashboards and consumers receive.
 */
export function tailEvents(url: string, json: boolean, token?: string, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    const stop = (): void => socket.close(1000);
    process.once('SIGINT', stop);
    // The reader went away (for example `vigil events | head`): stop quietly.
    out.on('error', stop);
    socket.on('message', (data) => {
      const text = String(data);
      out.write(`${json ? text : summarise(text)}\n`);
    });
    socket.on('error', (error) => {
      const hint = /401/.test(error.message) ? ' (a token is needed: --token or VIGIL_TOKEN)' : '';
      process.stderr.write(`vigil events: cannot connect to ${url}: ${error.message}${hint}\n`);
    });
    socket.on('close', (code) => {
      process.off('SIGINT', stop);
      resolve(code === 1000 || code === 1001 || code === 1005 ? 0 : 1);
    });
  });
}

interface Summarised {
  kind?: string;
  code?: string;
  reason?: string;
  type?: string;
  time?: string;
  subject?: string;
  data?: {
    faces?: { score: number; box: { width: number; height: number } }[];
    state?: string;
    identity?: { name: string } | null;
    similarity?: number;
    durationMs?: number;
  };
}

/** One line per message: control messages by kind, events by what matters for their type. */
export function summarise(text: string): string {
  let m: Summarised;
  try {
    m = JSON.parse(text) as Summarised;
  } catch {
    return text;
  }
  if (m.kind) return `-- ${m.kind}${m.code ? ` ${m.code}` : ''}${m.reason ? ` ${m.reason}` : ''}`;
  const d = m.data ?? {};
  let what: string;
  switch (m.type) {
    case 'vigil.face.detected':
      what = `${d.faces?.length ?? 0} face(s) ${(d.faces ?? []).map((f) => `${f.box.width}x${f.box.height}@${f.score.toFixed(2)}`).join(' ')}`;
      break;
    case 'vigil.face.recognized':
      what = `${d.identity?.name ?? '?'} (similarity ${d.similarity ?? '?'})`;
      break;
    case 'vigil.face.unknown':
      what = `unknown face (best similarity ${d.similarity ?? '?'})`;
      break;
    case 'vigil.face.track.ended':
      what = `${d.identity?.name ?? 'unknown'}, ${Math.round((d.durationMs ?? 0) / 100) / 10} s`;
      break;
    case 'vigil.camera.status':
      what = d.state ?? '?';
      break;
    default:
      what = '';
  }
  return `${m.time ?? '?'}  ${m.subject ?? '?'}  ${m.type ?? '?'}  ${what}`.trimEnd();
}
