import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activeSince, nextActivity, type Activity, type ActivityEvent } from '../../../src/cameras';

const ON = { enabled: true, afterMs: 10_000 };

function play(events: ActivityEvent[], settings = ON): boolean[] {
  let state: Activity = activeSince(0);
  return events.map((event) => (state = nextActivity(settings, state, event)).idle);
}

describe('idle policy', () => {
  it('goes idle after the quiet period, not before, and frames without faces change nothing', () => {
    assert.deepEqual(play([{ kind: 'analysed', faces: 0, at: 5000 }, { kind: 'tick', at: 9_999 }, { kind: 'tick', at: 10_000 }, { kind: 'analysed', faces: 0, at: 11_000 }]), [false, false, true, true]);
  });
  it('a face or motion wakes it at once and restarts the quiet period', () => {
    assert.deepEqual(play([{ kind: 'tick', at: 10_000 }, { kind: 'analysed', faces: 2, at: 12_000 }, { kind: 'tick', at: 21_999 }, { kind: 'tick', at: 22_000 }, { kind: 'motion', at: 23_000 }, { kind: 'tick', at: 30_000 }]), [true, false, false, true, false, false]);
  });
  it('never idles when switched off for the camera', () => {
    assert.deepEqual(play([{ kind: 'tick', at: 60_000 }], { enabled: false, afterMs: 10_000 }), [false]);
  });
});
