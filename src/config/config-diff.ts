import { isDeepStrictEqual } from 'node:util';
import type { Config } from './load';

/** Sections of the streams file a running gateway applies without a restart. */
const LIVE_SECTIONS = new Set(['cameras']);
/** Not from the file: the environment, and what is derived from it. */
const NOT_FILE_SECTIONS = new Set(['env', 'baseDir', 'instanceId', 'sourceSha256']);

/** Top-level sections of the streams file whose settings differ and need a restart to apply. Pure. */
export function sectionsNeedingRestart(current: Config, next: Config): string[] {
  const keys = new Set([...Object.keys(current), ...Object.keys(next)]);
  return [...keys].filter((key) => !LIVE_SECTIONS.has(key) && !NOT_FILE_SECTIONS.has(key) && !isDeepStrictEqual((current as unknown as Record<string, unknown>)[key], (next as unknown as Record<string, unknown>)[key])).sort();
}
