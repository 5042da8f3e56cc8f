import { createInterface } from 'node:readline';
import { eventMessage, frameMessage, mediaMessage, type DecoderCommand, type DecoderSetup } from '../decoder-protocol';
import { DecodeSession, type SessionOutput } from './decode-session';
import { loadFFmpegLibraries } from './libav';
import { LiveRemux } from './live-remux';

/**
 * A camera's decoder process: `node decoder-child.js`, nothing else on its command line. The
 * gateway writes the setup (camera URL included, so no credential shows in a process list) as
 * the first line on stdin, then commands; frames and events go out on stdout; FFmpeg's messages
 * and the reason of a failure on stderr. Exits 0 when the input ends, 1 on an error; stdin
 * closing (the gateway went away) stops it.
 */

/** Frames waiting in the pipe beyond this are not written: the gateway is behind, a newer frame follows. */
const MAX_QUEUED_FRAMES = 2;

let session: DecodeSession | null = null;
let live: LiveRemux | null = null;
/** Live media waiting in the pipe beyond this: fragments are left out until a key frame (live-remux.ts). */
const MAX_LIVE_BACKLOG_BYTES = 8 * 1024 * 1024;
/** Commands that came while the libraries were loading. */
const pending: DecoderCommand[] = [];
let frameBytes = 0;
/**
 * Frame messages whose write has completed, for reuse. Allocating one per frame (0.7 MB at
 * 640x360, several a second) leaves them to the garbage collector, which lets tens of MB of them
 * pile up in each decoder process before it runs.
 */
const spareFrames: Buffer[] = [];

const output: SessionOutput = {
  frame(width, height, flags, fill) {
    frameBytes = width * height * 3;
    if (process.stdout.writableLength > frameBytes * MAX_QUEUED_FRAMES) return false;
    const { buffer, pixelsAt } = frameMessage(frameBytes, Date.now(), flags, spareFrames.pop());
    fill(buffer, pixelsAt);
    // The callback runs once the bytes are out of the buffer (written to the pipe): it may be reused.
    process.stdout.write(buffer, () => {
      if (spareFrames.length <= MAX_QUEUED_FRAMES) spareFrames.push(buffer);
    });
    return true;
  },
  event(event) {
    process.stdout.write(eventMessage(event));
  },
  log(line) {
    process.stderr.write(`${line}\n`);
  },
};

/** FFmpeg's log lines reach JavaScript a moment after the call that logged them: leave them that moment. */
const LOG_SETTLE_MS = 100;

function finish(code: number): void {
  // Let FFmpeg's last messages in, and stdout drain (the last frames and events), before leaving.
  setTimeout(() => process.stdout.write('', () => process.exit(code)), LOG_SETTLE_MS);
}

// This process shares the gateway's session (decoder-process.ts), so a terminal's Ctrl-C reaches it
// too. The gateway stops its cameras itself when it gets one: ignoring it here keeps the decoders
// running until then, as when they had a session of their own.
process.on('SIGINT', () => undefined);

const lines = createInterface({ input: process.stdin });
const libraries = loadFFmpegLibraries();
let started = false;
lines.on('line', (line) => {
  if (!started) {
    started = true;
    const setup = JSON.parse(line) as DecoderSetup;
    libraries
      .then((libs) => {
        session = new DecodeSession(libs, setup, output);
        live = new LiveRemux(libs, { media: (...m) => process.stdout.write(mediaMessage(...m)), event: output.event, backlog: () => process.stdout.writableLength }, MAX_LIVE_BACKLOG_BYTES);
        const remux = live;
        session.tap = (packet, stream) => remux.packet(packet, stream);
        for (const command of pending.splice(0)) apply(command);
        return session.run();
      })
      .then(
      () => finish(0),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        finish(1);
      },
    );
    return;
  }
  const command = JSON.parse(line) as DecoderCommand;
  if (session) apply(command);
  else pending.push(command);
});

function apply(command: DecoderCommand): void {
  if (command.cmd === 'work') session?.setWork(command.work);
  else if (command.cmd === 'live') live?.set(command.on);
}
lines.on('close', () => {
  session?.stop();
  if (!started) process.exit(0);
  // A read blocked on the network does not see stop(): the gateway is gone, so is this process.
  setTimeout(() => process.exit(0), 200).unref();
});
process.stdout.on('error', () => process.exit(0));
