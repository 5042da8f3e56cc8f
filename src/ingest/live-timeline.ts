/**
 * Timestamps for the live remux, in the muxer's time base. FFmpeg's MP4 muxer refuses a decoding
 * time that does not move forward, and derives each sample's duration from the next one's, so
 * the timeline it is fed must be continuous: it starts at 0 on the first key frame and carries
 * on across a looping file's rewind or a camera's timestamp jump (one frame later than the last,
 * instead of a hole or a step back that would stall a player). Pure.
 */
export interface LiveTimeline {
  /** The first packet's decoding time (input units), or null before it. */
  readonly origin: number | null;
  /** Added to every input time after a discontinuity. */
  readonly offset: number;
  /** The last decoding time written (output), or null. */
  readonly lastDts: number | null;
  /** The last gap between two packets (output units): the length of one frame. */
  readonly frame: number;
}

export const NEW_TIMELINE: LiveTimeline = { origin: null, offset: 0, lastDts: null, frame: 0 };

/** A forward jump longer than this is a discontinuity too (a camera's clock reset), in frames. */
const MAX_GAP_FRAMES = 300;

export interface PlacedPacket {
  readonly timeline: LiveTimeline;
  readonly dts: number;
  readonly pts: number;
}

/**
 * Where a packet goes on the output timeline. `dts`/`pts` are the input's (already in the output
 * time base), `null` when the packet has none; `defaultFrame` is the frame length to assume
 * before two packets were seen (from the stream's frame rate).
 */
export function placePacket(timeline: LiveTimeline, dts: number | null, pts: number | null, defaultFrame: number): PlacedPacket {
  const decode = dts ?? pts;
  const frame = timeline.frame > 0 ? timeline.frame : Math.max(1, Math.round(defaultFrame));
  if (timeline.lastDts === null || timeline.origin === null) {
    const origin = decode ?? 0;
    const placed = { origin, offset: 0, lastDts: 0, frame };
    return { timeline: placed, dts: 0, pts: Math.max(0, (pts ?? origin) - origin) };
  }
  const next = timeline.lastDts + frame;
  let offset = timeline.offset;
  let out = decode === null ? next : decode - timeline.origin + offset;
  if (decode === null || out <= timeline.lastDts || out - timeline.lastDts > frame * MAX_GAP_FRAMES) {
    // A step back (a file rewound), a jump, or no time at all: continue one frame after the last.
    offset += next - out;
    out = next;
  }
  const delta = out - timeline.lastDts;
  const ptsOut = pts === null ? out : Math.max(out, pts - timeline.origin + offset);
  return { timeline: { origin: timeline.origin, offset, lastDts: out, frame: delta }, dts: out, pts: ptsOut };
}
