/**
 * Runs node-media-server (npm) as its own process: a real RTMP server for ingest tests.
 * Usage: node rtmp-server-main.js PORT. Prints "ready" once listening on 127.0.0.1:PORT.
 */
import { createConnection } from 'node:net';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const NodeMediaServer = require('node-media-server') as new (config: object) => { run(): void };

const port = Number(process.argv[2]);
const server = new NodeMediaServer({ bind: '127.0.0.1', rtmp: { port }, auth: { play: false, publish: false } });
server.run();
// It logs when it listens but offers no callback: probe the port until it accepts.
const probe = (): void => {
  const socket = createConnection({ host: '127.0.0.1', port }, () => {
    socket.destroy();
    process.stdout.write('ready\n');
  });
  socket.once('error', () => setTimeout(probe, 50));
};
probe();
