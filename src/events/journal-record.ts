import { crc32 } from 'node:zlib';

/**
 * The journal's on-disk record: [u32 payload length][u32 CRC-32 of payload][payload], big-endian,
 * where payload = [f64 accepted-at ms][UTF-8 CloudEvent JSON]. The checksum finds a torn write at
 * the tail after a crash, or a damaged block, instead of replaying garbage. Pure.
 */
export const RECORD_HEADER_BYTES = 8;
const TIME_BYTES = 8;
/** Larger than any event we publish (WebSocket and Kafka messages are far smaller). */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

export interface DecodedRecord {
  readonly acceptedAt: number;
  readonly json: string;
  /** Bytes the record takes on disk, header included. */
  readonly size: number;
}

export function encodeRecord(acceptedAt: number, json: string): Buffer {
  const jsonBytes = Buffer.byteLength(json);
  const buffer = Buffer.allocUnsafe(RECORD_HEADER_BYTES + TIME_BYTES + jsonBytes);
  buffer.writeUInt32BE(TIME_BYTES + jsonBytes, 0);
  buffer.writeDoubleBE(acceptedAt, RECORD_HEADER_BYTES);
  buffer.write(json, RECORD_HEADER_BYTES + TIME_BYTES, 'utf8');
  buffer.writeUInt32BE(crc32(buffer.subarray(RECORD_HEADER_BYTES)), 4);
  return buffer;
}

export type DecodeResult =
  | { readonly kind: 'record'; readonly record: DecodedRecord }
  /** Not enough bytes for a whole record: `need` bytes from `offset` would hold it. */
  | { readonly kind: 'incomplete'; readonly need: number }
  | { readonly kind: 'corrupt'; readonly reason: string };

/** Decodes the record starting at `offset` in `buffer`. */
export function decodeRecord(buffer: Buffer, offset: number): DecodeResult {
  if (buffer.length - offset < RECORD_HEADER_BYTES) return { kind: 'incomplete', need: RECORD_HEADER_BYTES };
  const length = buffer.readUInt32BE(offset);
  if (length < TIME_BYTES || length > MAX_PAYLOAD_BYTES) return { kind: 'corrupt', reason: `bad record length ${length}` };
  const size = RECORD_HEADER_BYTES + length;
  if (buffer.length - offset < size) return { kind: 'incomplete', need: size };
  const payload = buffer.subarray(offset + RECORD_HEADER_BYTES, offset + size);
  if (crc32(payload) !== buffer.readUInt32BE(offset + 4)) return { kind: 'corrupt', reason: 'checksum mismatch' };
  return { kind: 'record', record: { acceptedAt: payload.readDoubleBE(0), json: payload.toString('utf8', TIME_BYTES), size } };
}

/** How many whole, valid records `buffer` starts with, and the bytes they take (for recovery). */
export function scanRecords(buffer: Buffer): { count: number; validBytes: number; problem: string | null } {
  let offset = 0;
  let count = 0;
  while (offset < buffer.length) {
    const result = decodeRecord(buffer, offset);
    if (result.kind === 'corrupt') return { count, validBytes: offset, problem: result.reason };
    if (result.kind === 'incomplete') return { count, validBytes: offset, problem: 'incomplete record at the end (torn write)' };
    offset += result.record.size;
    count++;
  }
  return { count, validBytes: offset, problem: null };
}

/** Segment files are named by the journal index of their first record, zero-padded so names sort. */
export function segmentName(base: number): string {
  return `${String(base).padStart(16, '0')}.seg`;
}

export function parseSegmentName(name: string): number | null {
  const match = /^(\d{16})\.seg$/.exec(name);
  return match?.[1] ? Number(match[1]) : null;
}
