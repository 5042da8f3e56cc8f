import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { CloudEvent } from '../../../src/events';
import { EventHistory, retentionStep, snapshotRetention } from '../../../src/history';
import { SnapshotStore } from '../../../src/imaging';
import { SyntheticEvents } from '../../helpers/history-data';

const HOUR = 3600_000;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('history retention policy', () => {
  const usage = (databaseBytes: number, snapshotBytes: number) => ({ events: 10, databaseBytes, snapshotBytes });
  const limits = { maxAgeMs: 10 * HOUR, maxBytes: 1000 };
  const cases: [string, Parameters<typeof retentionStep>, ReturnType<typeof retentionStep>][] = [
    ['empty: nothing', [usage(5000, 5000), null, 100 * HOUR, limits], null],
    ['the oldest is too old: by age, before now - maxAge', [usage(10, 10), 80 * HOUR, 100 * HOUR, limits], { kind: 'age', before: 90 * HOUR }],
    ['young but over the size (database and snapshots together)', [usage(600, 500), 95 * HOUR, 100 * HOUR, limits], { kind: 'size' }],
    ['young and within the size', [usage(600, 400), 95 * HOUR, 100 * HOUR, limits], null],
  ];
  for (const [name, args, want] of cases) it(name, () => assert.deepEqual(retentionStep(...args), want));
});

describe('history retention on disk: events and the snapshot files they reference go together', () => {
  // Recent: each history also runs retention against the real clock when it starts.
  const start = Date.now() - 2 * 86_400_000;
  async function setUp(maxAgeDays: number, maxBytes: number) {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-retention-'));
    dirs.push(dataDir);
    const snapshots = new SnapshotStore(dataDir, { jpegQuality: 80, ...snapshotRetention({}, { enabled: true, maxAgeDays }) });
    const history = new EventHistory({
      dataDir, maxAgeDays, maxBytes, types: ['vigil.face.recognized', 'vigil.face.track.ended'], flushIntervalMs: 10_000, maxPendingEvents: 1000, retentionIntervalMs: 3_600_000,
      snapshots, embeddingModel: () => 'model-a', logger: pino({ level: 'silent' }),
    });
    await history.start();
    const data = new SyntheticEvents({ cameras: ['gate'], identities: [{ id: 'i1', name: 'Ada' }], start, stepMs: HOUR });
    const frame = { pixels: new Uint8Array(64 * 48 * 3).fill(90), width: 64, height: 48 };
    const files: string[][] = [];
    const events: CloudEvent[] = [];
    for (let i = 0; i < 20; i++) {
      const ids = await snapshots.save(frame, { x: 10, y: 10, width: 20, height: 20 });
      const urls = { face: `/v1/snapshots/${ids.face}`, frame: `/v1/snapshots/${ids.frame}` };
      files.push([ids.face, ids.frame]);
      // A track's answer and its end share the best view's snapshots.
      const answer = data.event(2 * i, { type: 'vigil.face.recognized', snapshots: urls, time: start + i * HOUR });
      const ended = data.event(2 * i + 1, { type: 'vigil.face.track.ended', snapshots: urls, time: start + i * HOUR + 30 * 60_000 });
      history.publish(answer);
      history.publish(ended);
      events.push(answer.event, ended.event);
    }
    history.flushNow();
    return { dataDir, snapshots, history, files, events };
  }
  const exists = (dataDir: string, id: string) => existsSync(join(dataDir, 'snapshots', `${id}.jpg`));

  it('by age: older events are deleted with the snapshots no kept event references', async () => {
    const { dataDir, history, files } = await setUp(5 / 24, 1024 ** 3);
    try {
      assert.equal(history.store?.usage().events, 40);
      // Five hours kept, at 19:59 of the first day: tracks 15-19 remain (track 14 ended at 14:30, more than five hours before).
      await history.runRetention(() => start + 19 * HOUR + 59 * 60_000);
      assert.equal(history.store?.usage().events, 10);
      for (let i = 0; i < 20; i++) {
        for (const id of files[i] as string[]) assert.equal(exists(dataDir, id), i >= 15, `track ${i} snapshot ${id}`);
      }
      const snapshotBytes = history.store?.usage().snapshotBytes ?? 0;
      assert.ok(snapshotBytes > 0);
    } finally {
      await history.close();
    }
  });

  it('by size: the oldest go, with their files, until the database and the snapshots fit', async () => {
    const first = await setUp(365, 1024 ** 3);
    const usage = first.history.store?.usage();
    assert.ok(usage);
    await first.history.close();
    // A quarter of the snapshot bytes less than now: retention must take the oldest tracks (and their files) until it fits.
    const target = Math.floor(usage.databaseBytes + (usage.snapshotBytes * 3) / 4);
    const { dataDir, files } = first;
    const snapshots = new SnapshotStore(dataDir, { jpegQuality: 80, ...snapshotRetention({}, { enabled: true, maxAgeDays: 365 }) });
    const limited = new EventHistory({ dataDir, maxAgeDays: 365, maxBytes: target, types: ['vigil.face.recognized'], flushIntervalMs: 10_000, maxPendingEvents: 10, retentionIntervalMs: 3_600_000, snapshots, embeddingModel: () => null, logger: pino({ level: 'silent' }) });
    try {
      await limited.start();
      await limited.runRetention(() => start + 20 * HOUR);
      const after = limited.store?.usage();
      assert.ok(after && after.databaseBytes + after.snapshotBytes <= target, JSON.stringify({ after, target }));
      assert.ok(after.events >= 20 && after.events < 40, `kept ${after.events} of 40 events: the oldest went, not all`);
      // A track whose answer went but whose end stayed keeps its files (the end still references them).
      const keptTracks = Math.ceil(after.events / 2);
      for (let i = 0; i < 20; i++) {
        const kept = i >= 20 - keptTracks;
        for (const id of files[i] as string[]) assert.equal(exists(dataDir, id), kept, `track ${i} (${kept ? 'kept' : 'deleted'})`);
      }
    } finally {
      await limited.close();
    }
  });
});
