/**
 * The live video socket's binary frames and the small decisions the player makes about them.
 * Pure (no DOM): unit-tested in Node. A binary frame is [u8 flags][f64 wallMs][f64 mediaSeconds]
 * followed by fMP4 bytes (README "Live video").
 */
export const MEDIA_INIT = 1;
export const MEDIA_KEY = 2;
export const MEDIA_AFTER_GAP = 4;
const HEADER_BYTES = 17;

export interface LiveSegment {
  readonly flags: number;
  /** When the gateway read the packet off the camera (ms since the epoch). */
  readonly wallMs: number;
  /** Where the player shows it (seconds on the video's timeline). */
  readonly mediaSeconds: number;
  readonly data: Uint8Array;
}

export function parseSegment(buffer: ArrayBuffer): LiveSegment | null {
  if (buffer.byteLength < HEADER_BYTES) return null;
  const view = new DataView(buffer);
  return { flags: view.getUint8(0), wallMs: view.getFloat64(1), mediaSeconds: view.getFloat64(9), data: new Uint8Array(buffer, HEADER_BYTES) };
}

/** Face boxes of one analysed frame, as fractions of the picture. */
export interface LiveFaces {
  readonly capturedAt: number;
  readonly boxes: readonly { x: number; y: number; w: number; h: number; score: number }[];
}

/**
 * Video time -> the wall time its packet was read, from the segments received (bounded). The
 * analysis' boxes carry the wall time of their frame, so this is how a shown picture finds its boxes.
 */
export class TimeMap {
  readonly #media: number[] = [];
  readonly #wall: number[] = [];
  readonly #max: number;

  constructor(max = 600) {
    this.#max = max;
  }

  add(mediaSeconds: number, wallMs: number): void {
    const last = this.#media[this.#media.length - 1];
    // The timeline restarted (a new init segment): what was before no longer applies.
    if (last !== undefined && mediaSeconds < last) this.clear();
    this.#media.push(mediaSeconds);
    this.#wall.push(wallMs);
    if (this.#media.length > this.#max) {
      this.#media.shift();
      this.#wall.shift();
    }
  }

  clear(): void {
    this.#media.length = 0;
    this.#wall.length = 0;
  }

  /** The wall time of the picture shown at `mediaSeconds`, from the nearest segment at or before it; null when unknown. */
  wallAt(mediaSeconds: number): number | null {
    let lo = 0;
    let hi = this.#media.length - 1;
    if (hi < 0 || mediaSeconds < (this.#media[0] as number) - 0.001) return null;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#media[mid] as number) <= mediaSeconds + 0.001) lo = mid;
      else hi = mid - 1;
    }
    return (this.#wall[lo] as number) + (mediaSeconds - (this.#media[lo] as number)) * 1000;
  }
}

/**
 * The boxes to draw over a picture read at `frameWallMs`: those of the newest analysis of a frame
 * read at most `aheadMs` after it (the analysed frame left the decoder a few ms after its packet
 * was read), unless that analysis is older than `holdMs` (the analysis rate is lower than the
 * video's: boxes stay up between two analyses, not longer). Null: draw nothing.
 */
export function facesFor(analyses: readonly LiveFaces[], frameWallMs: number, holdMs: number, aheadMs = 60): LiveFaces | null {
  let best: LiveFaces | null = null;
  for (const a of analyses) {
    if (a.capturedAt > frameWallMs + aheadMs) continue;
    if (!best || a.capturedAt > best.capturedAt) best = a;
  }
  if (!best || frameWallMs - best.capturedAt > holdMs) return null;
  return best;
}

/**
 * What keeps the player near the live edge (seconds): far behind, jump (`seek`); a little behind,
 * play slightly faster; near, normal speed. Browsers keep a small reserve before playing, so the
 * target is not zero.
 */
export function liveEdge(currentTime: number, bufferedEnd: number): { seek: number | null; rate: number } {
  const behind = bufferedEnd - currentTime;
  if (behind > 1) return { seek: Math.max(currentTime, bufferedEnd - 0.1), rate: 1 };
  if (behind > 0.15) return { seek: null, rate: 1.1 };
  return { seek: null, rate: 1 };
}

/** Human words for a codec a browser refuses (the page says what it cannot play, not just "error"). */
export function describeCodec(codec: string): string {
  if (/^(hvc1|hev1)/.test(codec)) return `H.265/HEVC (${codec})`;
  if (/^avc[13]/.test(codec)) return `H.264 (${codec})`;
  return codec;
}
