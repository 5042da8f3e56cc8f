import { chooseHwAccel, hwAccelFailed, type HwAccelChoice, type HwAccelSetting } from '../hwaccel';
import type { AvCodecContext, AvFrame, FFmpegLibraries, LibAv } from './libav';

type AvCodec = NonNullable<ReturnType<LibAv['Codec']['findDecoder']>>;
type AvHardware = NonNullable<ReturnType<LibAv['HardwareContext']['create']>>;

/** FFmpeg's own lines logged while something ran (they reach JavaScript a moment later). */
export interface LogCapture {
  start(): void;
  stop(): Promise<string[]>;
}

const NO_DEVICE = 'the device could not be opened';

/**
 * A session's hardware decoding: the device chosen for the camera's setting (or software, with the
 * reason), attached to the decoder, and the way decoded frames come back to memory for scaling.
 * Only frames that go out are brought back; the others stay on the device.
 */
export class HardwareDecoding {
  #choice: HwAccelChoice;
  #device: AvHardware | null;
  readonly #av: LibAv;
  #memory: AvFrame | null = null;

  private constructor(av: LibAv, choice: HwAccelChoice, device: AvHardware | null) {
    this.#av = av;
    this.#choice = choice;
    this.#device = device;
  }

  /** Opens the device for `setting` that can decode `codec`, if any; never throws (software is the fallback). */
  static async open(libraries: FFmpegLibraries, setting: HwAccelSetting, codec: AvCodec, codecName: string, log: LogCapture): Promise<HardwareDecoding> {
    const { av } = libraries;
    if (setting === 'none') return new HardwareDecoding(av, { requested: setting, active: 'none', reason: null }, null);
    let device: AvHardware | null = null;
    log.start();
    const choice = chooseHwAccel(setting, av.HardwareContext.listAvailable(), (method) => {
      let hw: AvHardware | null = null;
      try {
        hw = av.HardwareContext.create(method as Parameters<LibAv['HardwareContext']['create']>[0]);
      } catch (error) {
        return (error as Error).message;
      }
      if (!hw) return NO_DEVICE;
      if (!codec.isHardwareAcceleratedDecoder(hw.deviceType)) {
        hw.dispose();
        return `cannot decode ${codecName}`;
      }
      device = hw;
      return null;
    });
    const lines = await log.stop();
    if (choice.active !== 'none' || lines.length === 0) return new HardwareDecoding(av, choice, device);
    // The reason in FFmpeg's words too ("Cannot load libcuda.so.1", "No VA display found").
    const detail = [...new Set(lines)].slice(0, 4).join('; ');
    return new HardwareDecoding(av, { ...choice, reason: `${choice.reason ?? ''} (FFmpeg: ${detail})` }, null);
  }

  get choice(): HwAccelChoice {
    return this.#choice;
  }

  /** Decodes on the device (before the decoder is opened). */
  attach(decoder: AvCodecContext): void {
    if (this.#device) decoder.hwDeviceCtx = this.#device.deviceContext;
  }

  /** The decoder would not open on the device: software from now on, saying why. */
  fallBack(why: string): void {
    this.#choice = hwAccelFailed(this.#choice, why);
    this.#release();
  }

  /** The frame in memory: itself when decoded in software, else a copy brought back from the device (reused buffer). */
  toMemory(frame: AvFrame): AvFrame {
    if (!frame.isHwFrame()) return frame;
    if (!this.#memory) {
      this.#memory = new this.#av.Frame();
      this.#memory.alloc();
    }
    const memory = this.#memory;
    memory.unref();
    const ret = frame.hwframeTransferDataSync(memory, 0);
    if (ret < 0) throw new Error(`bringing a ${this.#choice.active} frame back to memory failed: ${this.#av.FFmpegError.strerror(ret)}`);
    return memory;
  }

  free(): void {
    this.#memory?.free();
    this.#memory = null;
    this.#release();
  }

  #release(): void {
    this.#device?.dispose();
    this.#device = null;
  }
}
