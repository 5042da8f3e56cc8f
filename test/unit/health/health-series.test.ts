import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BUCKETS, BUCKET_MS, HealthBook, HealthSeries, assessTrouble } from '../../../src/health';
import { ManualClock } from '../../helpers/manual-clock';

/** A clock at the start of a bucket, so bucket boundaries in the tests are round. */
const T0 = 1_700_000_000_000;

describe('health series buckets', () => {
  it('counts into 10 s buckets and reads them back oldest first, the last one partly filled', () => {
    const s = new HealthSeries(T0);
    for (let i = 0; i < 50; i++) s.analysed(T0 + i * 200); // 5 fps for 10 s
    for (let i = 0; i < 20; i++) s.analysed(T0 + 10_000 + i * 200); // 4 s at 5 fps into the second bucket
    s.dropped('stale', T0 + 12_000);
    s.dropped('ring_full', T0 + 12_500);
    s.dropped('ring_full', T0 + 13_000);
    const w = s.window(3_600_000, T0 + 14_000);
    assert.equal(w.start, T0);
    assert.equal(w.bucketMs, BUCKET_MS);
    assert.deepEqual(w.analysedFps, [5, 5]);
    assert.deepEqual(w.dropped, [0, 3]);
    assert.deepEqual(w.droppedByReason.ring_full, [0, 2]);
    assert.deepEqual(w.droppedByReason.stale, [0, 1]);
  });

  it('frame age: p95 as the bin bound under which 95 % fell, capped by the maximum; null without frames', () => {
    const s = new HealthSeries(T0);
    for (let i = 0; i < 95; i++) s.frameAge(30, T0 + i);
    for (let i = 0; i < 5; i++) s.frameAge(700, T0 + 100 + i);
    s.frameAge(10, T0 + 10_000);
    s.frameAge(9000, T0 + 20_000);
    const w = s.window(60_000, T0 + 35_000);
    assert.deepEqual(w.frameAgeP95Ms, [50, 10, 9000, null]);
    assert.deepEqual(w.frameAgeMaxMs, [700, 10, 9000, null]);
  });

  it('keeps the worst state of a bucket, carries the state into quiet buckets, counts reconnects and stalls', () => {
    const s = new HealthSeries(T0);
    s.state('streaming', T0);
    s.state('stalled', T0 + 3000);
    s.stall(T0 + 3000);
    s.state('backoff', T0 + 3001);
    s.reconnect(T0 + 3001);
    s.state('starting', T0 + 4000);
    s.state('streaming', T0 + 5000);
    s.work(true, false, T0 + 25_000);
    const w = s.window(60_000, T0 + 41_000);
    assert.deepEqual(w.state, ['stalled', 'streaming', 'streaming', 'streaming', 'streaming']);
    assert.deepEqual(w.stalls, [1, 0, 0, 0, 0]);
    assert.deepEqual(w.reconnects, [1, 0, 0, 0, 0]);
    assert.deepEqual(w.idle, [false, false, true, true, true]);
  });

  it('is bounded: an hour of buckets, older ones overwritten as the ring wraps (also across a long silence)', () => {
    const clock = new ManualClock(T0);
    const s = new HealthSeries(clock.now());
    for (let b = 0; b < BUCKETS * 2 + 7; b++) {
      s.analysed(clock.now());
      if (b % 100 === 0) s.reconnect(clock.now());
      clock.advance(BUCKET_MS);
    }
    const w = s.window(10 * 3_600_000, clock.now());
    assert.equal(w.analysedFps.length, BUCKETS, 'never more than the ring');
    assert.equal(w.start, clock.now() - (BUCKETS - 1) * BUCKET_MS);
    assert.equal(w.reconnects.reduce((a, b) => a + b, 0), 4, 'only the last hour: buckets 400, 500, 600, 700');
    clock.advance(5 * 3_600_000);
    const quiet = s.window(3_600_000, clock.now());
    assert.equal(quiet.analysedFps.length, BUCKETS);
    assert.ok(quiet.analysedFps.every((v) => v === 0) && quiet.reconnects.every((v) => v === 0), 'five silent hours leave nothing of before');
  });

  it('a window shorter than the history returns only its buckets; a clock stepping back writes into the newest bucket', () => {
    const s = new HealthSeries(T0);
    for (let b = 0; b < 10; b++) s.analysed(T0 + b * BUCKET_MS);
    s.analysed(T0 + 5 * BUCKET_MS - 3); // the clock stepped back: counted in the newest
    const w = s.window(30_000, T0 + 9 * BUCKET_MS + 5000);
    assert.equal(w.analysedFps.length, 3);
    assert.equal(w.start, T0 + 7 * BUCKET_MS);
    assert.deepEqual(w.analysedFps, [0.1, 0.1, 0.4]);
  });
});

describe('trouble: which camera, since when', () => {
  it('a camera streaming at its rate is fine; one stuck in backoff is in trouble since the first bad bucket', () => {
    const clock = new ManualClock(T0);
    const book = new HealthBook(() => clock.now());
    const good = book.recorder('good', 5);
    const bad = book.recorder('bad', 5);
    good.state('streaming');
    bad.state('streaming');
    for (let t = 0; t < 120; t++) {
      if (t === 61) {
        bad.state('backoff');
        bad.reconnect();
      }
      for (let f = 0; f < 5; f++) {
        good.analysed();
        if (t < 61) bad.analysed();
        clock.advance(200);
      }
    }
    const [g, b] = book.summaries();
    assert.equal(g?.camera, 'good');
    assert.equal(g?.trouble, false);
    assert.equal(g?.analysedFps, 5);
    assert.equal(b?.trouble, true);
    assert.deepEqual(b?.reasons, ['backoff']);
    assert.equal(b?.troubleSince, new Date(T0 + 60_000).toISOString());
    assert.equal(b?.reconnectsLastHour, 1);
    const view = book.window('bad', 3_600_000);
    assert.deepEqual(view.troubleReasons.slice(5, 8), [[], ['backoff', 'reconnects'], ['backoff']]);
  });

  it('drops, old frames and a low rate while active are trouble; idle or degraded low rates are not', () => {
    const s = new HealthSeries(T0);
    s.state('streaming', T0);
    for (let i = 0; i < 20; i++) s.analysed(T0 + i * 400); // 2 fps of 5: low
    for (let i = 0; i < 50; i++) s.analysed(T0 + 10_000 + i * 200);
    for (let i = 0; i < 20; i++) s.dropped('ring_full', T0 + 10_000 + i * 400); // 20 of 70
    for (let i = 0; i < 50; i++) s.frameAge(1500, T0 + 20_000 + i * 200);
    for (let i = 0; i < 50; i++) s.analysed(T0 + 20_000 + i * 200);
    s.work(true, false, T0 + 30_000); // idle from here: key frames only, a low rate is expected
    s.analysed(T0 + 31_000);
    const w = s.window(3_600_000, T0 + 40_000);
    assert.deepEqual([0, 1, 2, 3].map((i) => assessTrouble({ ...w, analysedFps: w.analysedFps.slice(0, i + 1), end: T0 + (i + 1) * 10_000 }, 5).reasons), [['low fps'], ['drops'], ['old frames'], []]);
  });

  it('forgets a removed camera; an unknown one is VIGIL_ERR_CAMERA_NOT_FOUND', () => {
    const book = new HealthBook(() => T0);
    book.recorder('gone', 5).forget();
    assert.deepEqual(book.summaries(), []);
    assert.throws(() => book.window('gone', 60_000), (e: Error & { code?: string }) => e.code === 'VIGIL_ERR_CAMERA_NOT_FOUND');
  });
});
