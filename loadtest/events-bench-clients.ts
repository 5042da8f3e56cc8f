import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

/**
 * Worker thread of the events benchmark: opens N subscribers and records, for every event, the
 * delay from the gateway publishing it (data.benchSentAt, on the shared performance clock) to this
 * client parsing it. In its own thread so the clients' work does not share the hub's event loop.
 */
interface Input {
  readonly url: string;
  readonly subscribers: number;
}

const { url, subscribers } = workerData as Input;
const latencies: number[] = [];
const sockets: WebSocket[] = [];
const now = (): number => performance.timeOrigin + performance.now();

function open(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.on('message', (data) => {
      const event = JSON.parse(String(data)) as { data?: { benchSentAt?: number } };
      const sentAt = event.data?.benchSentAt;
      if (typeof sentAt === 'number') latencies.push(now() - sentAt);
    });
    socket.once('open', () => resolve());
    socket.once('error', reject);
    sockets.push(socket);
  });
}

async function main(): Promise<void> {
  for (let i = 0; i < subscribers; i += 50) await Promise.all(Array.from({ length: Math.min(50, subscribers - i) }, open));
  parentPort?.postMessage({ kind: 'ready' });
  parentPort?.on('message', (message: { kind: string }) => {
    if (message.kind === 'count') parentPort?.postMessage({ kind: 'count', received: latencies.length });
    if (message.kind === 'finish') {
      for (const socket of sockets) socket.terminate();
      parentPort?.postMessage({ kind: 'latencies', latencies });
    }
  });
}

void main();
