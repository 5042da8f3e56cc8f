/**
 * Runs rtsp-streaming-server (npm) as its own process, so a test can kill and restart it like a
 * real camera server. Usage: node rtsp-server-main.js PUBLISH_PORT CLIENT_PORT RTP_PORT_START
 * Prints "ready" once listening. Publishers ANNOUNCE on PUBLISH_PORT; readers use CLIENT_PORT.
 * It speaks RTP over UDP only.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RtspServer = require('rtsp-streaming-server').default as new (options: object) => { start(): Promise<void> };

const [serverPort, clientPort, rtpPortStart] = process.argv.slice(2).map(Number);
const server = new RtspServer({ serverPort, clientPort, rtpPortStart, rtpPortCount: 200 });
server.start().then(
  () => process.stdout.write('ready\n'),
  (error: unknown) => {
    process.stderr.write(`rtsp server failed: ${String(error)}\n`);
    process.exit(1);
  },
);
