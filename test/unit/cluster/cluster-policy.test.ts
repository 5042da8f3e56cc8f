import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HandoverMarks, feedEvent, partitionOf, pendingView } from '../../../src/cluster';
import { cameraSchema } from '../../../src/config';
import { eventDraft } from '../../../src/events';
import { parsePosition } from '../../../src/events/websocket-hub';

describe('camera ownership: partitionOf', () => {
  it('is stable (every gateway computes the same partition) and within range', () => {
    const table: [string, number, number][] = [
      ['cam-01', 4, partitionOf('cam-01', 4)],
      ['gate-1', 24, partitionOf('gate-1', 24)],
    ];
    for (const [id, partitions, expected] of table) {
      assert.equal(partitionOf(id, partitions), expected);
      assert.ok(expected >= 0 && expected < partitions);
    }
    assert.equal(partitionOf('anything', 1), 0);
  });

  it('spreads many cameras over the partitions', () => {
    const counts = new Array<number>(24).fill(0);
    for (let i = 0; i < 2400; i++) counts[partitionOf(`cam-${i}`, 24)]! += 1;
    assert.ok(Math.min(...counts) > 60 && Math.max(...counts) < 140, counts.join(','));
  });
});

describe('handover marks', () => {
  const draft = (type: 'vigil.face.recognized' | 'vigil.camera.status', camera: string) => eventDraft('urn:vigil:gateway:gw-b', type as 'vigil.face.recognized', 0, { camera });
  it('marks answers on a camera that moved here within the window, and nothing else', () => {
    const marks = new HandoverMarks(30_000);
    marks.took('cam-1', 'gw-a', 1000);
    assert.deepEqual((marks.mark(draft('vigil.face.recognized', 'cam-1'), 5000).data as { handover?: unknown }).handover, { from: 'gw-a' });
    assert.equal((marks.mark(draft('vigil.camera.status', 'cam-1'), 5000).data as { handover?: unknown }).handover, undefined, 'status events are not answers');
    assert.equal((marks.mark(draft('vigil.face.recognized', 'cam-2'), 5000).data as { handover?: unknown }).handover, undefined, 'another camera');
    assert.equal((marks.mark(draft('vigil.face.recognized', 'cam-1'), 40_000).data as { handover?: unknown }).handover, undefined, 'past the window');
  });
});

describe('events topic records for subscribers', () => {
  it('adds vigilpos (partition:offset) and keeps the event as published', () => {
    const event = { specversion: '1.0', id: 'e1', source: 's', type: 'vigil.face.unknown', time: 't', subject: 'c', datacontenttype: 'application/json', sequence: 7, vigilrun: 'r', data: { camera: 'c' } };
    const published = feedEvent({ topic: 'vigil.events', partition: 2, offset: 41, key: 'c', value: Buffer.from(JSON.stringify(event)), timestamp: 5 }, 9);
    assert.ok(published);
    assert.deepEqual(JSON.parse(published.json), { ...event, vigilpos: '2:41' });
    assert.deepEqual(published.cursor, { partition: 2, offset: 41 });
    assert.equal(published.position, 9);
    assert.equal(feedEvent({ topic: 't', partition: 0, offset: 0, key: '', value: Buffer.from('not json'), timestamp: 0 }, 1), null);
  });

  it('parses a resume position and refuses anything else', () => {
    assert.deepEqual([...(parsePosition('0:12,3:-1,1:400') ?? [])], [[0, 12], [3, -1], [1, 400]]);
    for (const bad of ['x', '0:', '1:2:3', '0:1;2:3']) assert.equal(parsePosition(bad), null, bad);
  });
});

describe('a camera no gateway reports yet', () => {
  it('shows its URL redacted like every other camera view: no password, no secret query value', () => {
    const config = cameraSchema.parse({ id: 'cam-x', url: 'rtsp://admin:s3cret@10.0.0.5:554/live?token=abc&channel=1' });
    const view = pendingView(config, 'api');
    assert.ok(!JSON.stringify(view).includes('s3cret') && !JSON.stringify(view).includes('abc'), view.url);
    assert.match(view.url, /^rtsp:\/\/admin:\*\*\*@10\.0\.0\.5:554\/live\?token=\*\*\*/);
    assert.equal(view.gateway, null);
    assert.equal(view.state, 'idle');
  });
});
