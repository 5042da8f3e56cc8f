import { VigilError, type ErrorCode } from '../errors';
import type { SourceKind } from './camera-url';
import type { DecoderExit } from './decoder-process';

/** Stderr patterns that name an error a user can act on, most specific first. */
const PATTERNS: ReadonlyArray<{ test: RegExp; code: ErrorCode; ownLine?: true }> = [
  // An HLS playlist (or redirect) pointing outside the whitelist: ffmpeg's last line then only says
  // "Invalid data found", so the line naming the blocked protocol is the message.
  { test: /protocol '[^']*' not on whitelist/i, code: 'VIGIL_ERR_PROTOCOL_BLOCKED', ownLine: true },
  { test: /\b401\b|unauthori[sz]ed|\b403\b|forbidden|authenticat(ion|e) failed/i, code: 'VIGIL_ERR_AUTH_FAILED' },
  { test: /connection refused/i, code: 'VIGIL_ERR_CONNECTION_REFUSED' },
  {
    test: /no route to host|network is unreachable|name or service not known|failed to resolve|temporary failure in name resolution|connection timed out|host is down/i,
    code: 'VIGIL_ERR_HOST_UNREACHABLE',
  },
  { test: /no such file or directory|\b404\b|stream not found/i, code: 'VIGIL_ERR_SOURCE_NOT_FOUND' },
  { test: /matches no streams|does not contain any stream|no video stream/i, code: 'VIGIL_ERR_NO_VIDEO_STREAM' },
  { test: /decoder \(codec .*\) not found|unsupported codec|could not find codec parameters|unknown codec/i, code: 'VIGIL_ERR_UNSUPPORTED_CODEC' },
  { test: /invalid data found when processing input|moov atom not found|error while decoding|corrupt|invalid nal/i, code: 'VIGIL_ERR_CORRUPT_DATA' },
];

/** Lines ffmpeg prints that say nothing about the cause. */
const NOISE = /^(conversion failed!?|exiting normally.*|received signal \d+.*|error while opening encoder.*)$/i;

/** The last stderr line that says something about the cause (not "Conversion failed!"). */
export function meaningfulLine(tail: readonly string[]): string | undefined {
  for (let i = tail.length - 1; i >= 0; i -= 1) {
    const line = tail[i];
    if (line && !NOISE.test(line)) return line;
  }
  return undefined;
}

/** Why ffmpeg stopped, as a catalog error, and whether starting it again can help. */
export function classifyFfmpegExit(exit: DecoderExit, kind: SourceKind): { error: VigilError; retry: boolean } {
  if (exit.error) return { error: exit.error, retry: exit.error.retryable };
  const line = meaningfulLine(exit.stderrTail);
  const joined = exit.stderrTail.join('\n');
  const details = { exitCode: exit.code, signal: exit.signal };
  for (const { test, code, ownLine } of PATTERNS) {
    if (test.test(joined)) {
      const message = ownLine ? exit.stderrTail.find((l) => test.test(l)) : line;
      const error = new VigilError(code, message ?? undefined, details);
      // A network path that is not there may be published later (a camera rebooting): retry it.
      // A missing local file will not appear by retrying.
      const retry = code === 'VIGIL_ERR_SOURCE_NOT_FOUND' ? kind !== 'file' : error.retryable;
      return { error, retry };
    }
  }
  const how = exit.signal ? `signal ${exit.signal}` : `code ${String(exit.code)}`;
  const message = line ? `the decoder ended (${how}): ${line}` : `the decoder ended (${how})`;
  return { error: new VigilError('VIGIL_ERR_FFMPEG_EXITED', message, details), retry: true };
}
