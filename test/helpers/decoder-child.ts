import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DecoderOutputParser, type DecodeWork, type DecoderEvent, type DecoderSetup, type MediaSegment } from '../../src/ingest';
import type { DecoderCommand } from '../../src/ingest/decoder-protocol';
import { ROOT } from './paths';
import type { ProcessGroup } from './processes';

const CHILD = join(ROOT, 'dist', 'src', 'ingest', 'native', 'decoder-child.js');

export interface ReceivedFrame {
  readonly capturedAt: number;
  readonly flags: number;
}

/**
 * A real decoder process (`decoder-child.js`) on a looping file, its output parsed as the gateway
 * parses it: frames (time and flags), events, media segments and a count of progress reports.
 */
export class DecoderChild {
  readonly child: ChildProcess;
  readonly frames: ReceivedFrame[] = [];
  readonly events: DecoderEvent[] = [];
  readonly media: MediaSegment[] = [];
  progress = 0;
  /** Packets read, as the last progress report said. */
  packets = 0;
  /** Frames decoded, as the last progress report said. */
  decoded = 0;

  constructor(group: ProcessGroup, file: string, options: { width: number; height: number; work: DecodeWork; hwaccel?: DecoderSetup['hwaccel']; motion?: DecoderSetup['motion']; skipNonReference?: boolean }) {
    const { width, height } = options;
    this.child = group.spawn(process.execPath, [CHILD], { stdio: ['pipe', 'pipe', 'pipe'] });
    const setup: DecoderSetup = {
      url: file, kind: 'file', width, height, rtspTransport: 'tcp', loop: true, protocolWhitelist: 'file', socketTimeoutUs: 10_000_000,
      work: options.work,
      motion: options.motion ?? { ratio: 3, minBytes: 2000, warmupPackets: 15 }, maxCatchUpPackets: 600, maxCatchUpBytes: 16 * 1024 * 1024, skipLoopFilter: true, skipNonReference: options.skipNonReference ?? true, hwaccel: options.hwaccel ?? 'none',
    };
    const parser = new DecoderOutputParser(width * height * 3, {
      acquire: () => new ArrayBuffer(width * height * 3),
      frame: (_pixels, capturedAt, flags) => this.frames.push({ capturedAt, flags }),
      event: (e) => {
        if (e.kind !== 'progress') return void this.events.push(e);
        this.progress += 1;
        this.packets = e.packets;
        this.decoded = e.decoded;
      },
      media: (m) => this.media.push(m),
      corrupt: (reason) => assert.fail(reason),
    });
    this.child.stdout?.on('data', (chunk: Buffer) => parser.push(chunk));
    this.child.stdin?.write(`${JSON.stringify(setup)}\n`);
  }

  send(command: DecoderCommand): void {
    this.child.stdin?.write(`${JSON.stringify(command)}\n`);
  }
}
