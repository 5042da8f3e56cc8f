import { createServer } from 'node:net';

/**
 * A TCP port free right now on loopback. Only for servers that cannot listen on port 0 and report
 * the port back (rtsp-streaming-server); everything else should listen on 0.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
