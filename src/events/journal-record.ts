import { crc32 } from 'node:zlib';

/**
 * The journal's on-disk record: [u32 payload length][u32 CRC-32 of payload][payload], big-endian,
 * where payload = [f64 accepted-at ms][attributes][UTF-8 CloudEvent JSON]. The attributes are the
 * event's context attributes (id, type, source, ...) so a sink can build its headers without
 * parsing the JSON: [0x00][u32 length][the values joined by NUL]. Records written before they
 * existed have none (their JSON starts right after the time, with "{"); both kinds are read. The
 * checksum finds a torn write at the tail after a crash, or a damaged block, instead of replaying
 * garbage. Pure.
 */
export const RECORD_HEADER_BYTES = 8;
const TIME_BYTES = 8;
const ATTRIBUTES_MARK = 0x00;
const ATTRIBUTES_HEADER_BYTES = 5;
const SEPARATOR = '\u0000';
/** Larger than any event we publish (WebSocket and Kafka messages are far smaller). */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

export interface DecodedRecord {
  readonly acceptedAt: number;
  readonly json: string;
  /** The values given to encodeRecord, or null for a record written without them. */
  readonly attributes: readonly string[] | null;
  /** Bytes the record takes on disk, header included. */
  readonly size: number;
}

/** `attributes` must not contain NUL (context attribute values never do: ids, types, URNs, times, camera ids). */
export function encodeRecord(acceptedAt: number, json: string, attributes?: readonly string[]): Buffer {
  const jsonBytes = Buffer.byteLength(json);
  const joined = attributes?.join(SEPARATOR);
  const attributeBytes = joined === undefined ? 0 : ATTRIBUTES_HEADER_BYTES + Buffer.byteLength(joined);
  const payload = TIME_BYTES + attributeBytes + jsonBytes;
  const buffer = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload);
  buffer.writeUInt32BE(payload, 0);
  let at = RECORD_HEADER_BYTES;
  buffer.writeDoubleBE(acceptedAt, at);
  at += TIME_BYTES;
  if (joined !== undefined) {
    buffer.writeUInt8(ATTRIBUTES_MARK, at);
    buffer.writeUInt32BE(attributeBytes - ATTRIBUTES_HEADER_BYTES, at + 1);
    buffer.write(joined, at + ATTRIBUTES_HEADER_BYTES, 'utf8');
    at += attributeBytes;
  }
  buffer.write(json, at, 'utf8');
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
  const acceptedAt = payload.readDoubleBE(0);
  if (payload.length === TIME_BYTES || payload[TIME_BYTES] !== ATTRIBUTES_MARK) {
    return { kind: 'record', record: { acceptedAt, json: payload.toString('utf8', TIME_BYTES), attributes: null, size } };
  }
  const start = TIME_BYTES + ATTRIBUTES_HEADER_BYTES;
  if (payload.length < start) return { kind: 'corrupt', reason: 'attributes cut short' };
  const end = start + payload.readUInt32BE(TIME_BYTES + 1);
  if (end > payload.length) return { kind: 'corrupt', reason: 'attributes longer than the record' };
  const attributes = payload.toString('utf8', start, end).split(SEPARATOR);
  return { kind: 'record', record: { acceptedAt, json: payload.toString('utf8', end), attributes, size } };
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
