import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { INITIAL_ADAPTIVE, nextAdaptiveState, type AdaptiveLimits, type AdaptiveState, type DecodeMode } from '../../../src/ingest';

const limits: AdaptiveLimits = { highWatermark: 6, lowWatermark: 2, degradeAfterChecks: 3, restoreAfterChecks: 4, degradeTo: 'keyframes' };

/** Runs a series of occupancy checks and returns the mode after each. */
function modes(occupancy: number[], options: Partial<AdaptiveLimits> = {}): DecodeMode[] {
  let state: AdaptiveState = INITIAL_ADAPTIVE;
  return occupancy.map((peak) => (state = nextAdaptiveState({ ...limits, ...options }, state, peak)).mode);
}

describe('nextAdaptiveState', () => {
  const table: Array<{ name: string; occupancy: number[]; options?: Partial<AdaptiveLimits>; expect: DecodeMode[] }> = [
    { name: 'stays full while the ring drains', occupancy: [0, 1, 2, 1, 0], expect: ['full', 'full', 'full', 'full', 'full'] },
    { name: 'degrades after N consecutive checks at the high watermark', occupancy: [6, 7, 8], expect: ['full', 'full', 'keyframes'] },
    { name: 'a dip below high starts the count over', occupancy: [6, 6, 3, 6, 6, 6], expect: ['full', 'full', 'full', 'full', 'full', 'keyframes'] },
    {
      name: 'restores after M consecutive drained checks',
      occupancy: [8, 8, 8, 0, 1, 2, 0],
      expect: ['full', 'full', 'keyframes', 'keyframes', 'keyframes', 'keyframes', 'full'],
    },
    {
      name: 'a busy check between drained ones delays the restore',
      occupancy: [8, 8, 8, 0, 0, 4, 0, 0, 0, 0],
      expect: ['full', 'full', 'keyframes', 'keyframes', 'keyframes', 'keyframes', 'keyframes', 'keyframes', 'keyframes', 'full'],
    },
    { name: 'half-fps is the other fallback', occupancy: [9, 9, 9], options: { degradeTo: 'half-fps' }, expect: ['full', 'full', 'half-fps'] },
    { name: 'off never degrades', occupancy: [9, 9, 9, 9], options: { degradeTo: 'off' }, expect: ['full', 'full', 'full', 'full'] },
  ];
  for (const row of table) it(row.name, () => assert.deepEqual(modes(row.occupancy, row.options), row.expect));
});
