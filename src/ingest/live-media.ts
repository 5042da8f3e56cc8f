/**
 * The live view's media on the decoder's stdout (decoder-protocol.ts frames it as kind
 * MESSAGE_MEDIA): fragmented MP4 remuxed from the camera's own packets, no re-encoding. Payload:
 * [u8 flags][f64 wallMs][f64 mediaSeconds][fMP4 bytes]. Pure.
 */

/** The init segment (ftyp + moov): what a player needs before any fragment. */
export const MEDIA_INIT = 1;
/** A fragment that starts with a key frame: a viewer can start (or resume) here. */
export const MEDIA_KEY = 2;
/** Fragments were left out before this one (the reader was behind): the timeline has a hole. */
export const MEDIA_AFTER_GAP = 4;
export const MEDIA_META_BYTES = 17;

/** One piece of the live stream as the gateway hands it on. */
export interface MediaSegment {
  readonly flags: number;
  /** Wall time (ms since the epoch) the packet was read off the camera, for aligning the analysis' boxes. */
  readonly wallMs: number;
  /** Its presentation time in the fMP4 timeline (seconds), the time a player shows it at. */
  readonly mediaSeconds: number;
  /** The fMP4 bytes (moof + mdat, or ftyp + moov for the init segment). */
  readonly data: Buffer;
  /** The whole payload, header and bytes: what the live WebSocket sends as is (no copy). */
  readonly payload: Buffer;
}

/** Writes the 17-byte header of a media payload at `at`. */
export function writeMediaMeta(buffer: Buffer, at: number, flags: number, wallMs: number, mediaSeconds: number): void {
  buffer.writeUInt8(flags, at);
  buffer.writeDoubleBE(wallMs, at + 1);
  buffer.writeDoubleBE(mediaSeconds, at + 9);
}

/** The payload of a media message (without the protocol's 5-byte header). */
export function mediaPayload(flags: number, wallMs: number, mediaSeconds: number, data: Buffer): Buffer {
  const buffer = Buffer.allocUnsafe(MEDIA_META_BYTES + data.length);
  writeMediaMeta(buffer, 0, flags, wallMs, mediaSeconds);
  data.copy(buffer, MEDIA_META_BYTES);
  return buffer;
}

/** Reads a media payload back; null when it is too short to be one. The bytes are not copied. */
export function readMediaPayload(payload: Buffer): MediaSegment | null {
  if (payload.length < MEDIA_META_BYTES) return null;
  return { flags: payload.readUInt8(0), wallMs: payload.readDoubleBE(1), mediaSeconds: payload.readDoubleBE(9), data: payload.subarray(MEDIA_META_BYTES), payload };
}
