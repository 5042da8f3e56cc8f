/**
 * Cuts what an MP4 muxer writes into the pieces a player appends: the init segment (everything
 * up to and including `moov`) and then one media segment per `moof` + `mdat` pair. Where the
 * muxer's buffer happens to flush does not matter: bytes are kept until a piece is whole. Pure
 * (no I/O), bounded by `maxBytes` (a box larger than that is a broken stream).
 */
export interface Fmp4Piece {
  readonly kind: 'init' | 'fragment';
  readonly data: Buffer;
}

/** The size and type of the box at `at`, or null when its header is not all there yet. */
export function boxHeader(buffer: Buffer, at: number): { size: number; type: string; headerBytes: number } | null {
  if (buffer.length - at < 8) return null;
  let size = buffer.readUInt32BE(at);
  const type = buffer.toString('latin1', at + 4, at + 8);
  let headerBytes = 8;
  if (size === 1) {
    if (buffer.length - at < 16) return null;
    size = Number(buffer.readBigUInt64BE(at + 8));
    headerBytes = 16;
  }
  // Size 0 ("to the end of the file") never occurs in a fragmented stream; treat it as broken.
  return { size, type, headerBytes };
}

export class Fmp4Splitter {
  readonly #maxBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #initDone = false;

  constructor(maxBytes = 64 * 1024 * 1024) {
    this.#maxBytes = maxBytes;
  }

  /** Adds written bytes (kept: the caller must not reuse them); returns the pieces they completed, in order. Throws on a malformed box. */
  push(bytes: Buffer): Fmp4Piece[] {
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
    if (this.#pendingBytes > this.#maxBytes) throw new Error(`fMP4 piece over ${this.#maxBytes} bytes`);
    const buffer = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending, this.#pendingBytes);
    const pieces: Fmp4Piece[] = [];
    let start = 0;
    let at = 0;
    for (;;) {
      const header = boxHeader(buffer, at);
      if (!header || buffer.length - at < header.size) break;
      if (header.size < header.headerBytes) throw new Error(`fMP4 box "${header.type}" of ${header.size} bytes`);
      at += header.size;
      const ends = this.#initDone ? header.type === 'mdat' : header.type === 'moov';
      if (!ends) continue;
      // The buffer is this splitter's own (the caller hands over its bytes): pieces are views, not copies.
      pieces.push({ kind: this.#initDone ? 'fragment' : 'init', data: buffer.subarray(start, at) });
      this.#initDone = true;
      start = at;
    }
    const rest = buffer.subarray(start);
    this.#pending = rest.length > 0 ? [Buffer.from(rest)] : [];
    this.#pendingBytes = rest.length;
    return pieces;
  }
}
