import { VigilError } from '../errors';
import type { SourceKind } from './camera-url';
import type { FfmpegExit } from './ffmpeg-process';

/** Stderr patterns that name an error a user can act on, most specific first. */
const PATTERNS: ReadonlyArray<{ test: RegExp; code: VigilError['code'] }> = [
  { test: /connection refused/i, code: 'VIGIL_ERR_CONNECTION_REFUSED' },
  { test: /no route to host|network is unreachable|name or service not known|failed to resolve|temporary failure in name resolution/i, code: 'VIGIL_ERR_HOST_UNREACHABLE' },
  { test: /no such file or directory|404 not found|server returned 404|stream not found/i, code: 'VIGIL_ERR_SOURCE_NOT_FOUND' },
];

/** Why ffmpeg stopped, as a catalog error, and whether starting it again can help. */
export function classifyFfmpegExit(exit: FfmpegExit, kind: SourceKind): { error: VigilError; retry: boolean } {
  if (exit.error) return { error: exit.error, retry: exit.error.retryable };
  const lastLine = exit.stderrTail.at(-1);
  const joined = exit.stderrTail.join('\n');
  for (const { test, code } of PATTERNS) {
    if (test.test(joined)) {
      const error = new VigilError(code, lastLine ?? undefined, { exitCode: exit.code, signal: exit.signal });
      // A missing local file will not appear by retrying; a network path may (publisher not up yet).
      const retry = !(code === 'VIGIL_ERR_SOURCE_NOT_FOUND' && kind === 'file');
      return { error, retry };
    }
  }
  const how = exit.signal ? `signal ${exit.signal}` : `code ${String(exit.code)}`;
  const message = lastLine ? `ffmpeg exited (${how}): ${lastLine}` : `ffmpeg exited (${how})`;
  return { error: new VigilError('VIGIL_ERR_FFMPEG_EXITED', message, { exitCode: exit.code, signal: exit.signal }), retry: true };
}
