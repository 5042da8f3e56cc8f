import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HandoverMarks, clusterTopics, feedEvent, partitionOf, pendingView } from '../../../src/cluster';
import { applyStateRecord } from '../../../src/cluster/state-records';
import { asToken } from '../../../src/cluster/records';
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

describe('state records: last value per key, tombstones remove, unreadable records change nothing', () => {
  const topics = clusterTopics('t');
  const applied: string[] = [];
  const target = {
    bindings: {
      refreshCameras: async () => undefined,
      localViews: () => [],
      applyIdentity: (id: string, r: unknown) => applied.push(`identity ${id} ${r ? 'set' : 'removed'}`),
      localIdentityIds: () => [],
      applyToken: (id: string, r: unknown) => applied.push(`token ${id} ${r ? 'set' : 'removed'}`),
      applyTrack: (id: string, camera: string, e: Float32Array) => applied.push(`track ${id} ${camera} ${e.length}`),
      deliverEvent: () => undefined,
    },
    catalog: { apply: (id: string, c: unknown) => applied.push(`camera ${id} ${c ? 'set' : 'removed'}`) } as never,
    views: new Map(),
    members: new Map(),
    identityKeys: new Set<string>(),
  };
  const record = (topic: string, key: string, value: unknown) => ({ topic, partition: 0, offset: 0, key, timestamp: 0, value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)) });
  it('applies each topic to its target', () => {
    const digest = 'a'.repeat(64);
    const embedding = Buffer.from(new Float32Array([1, 0, 0]).buffer).toString('base64');
    const table: [ReturnType<typeof record>, boolean][] = [
      [record(topics.cameras, 'cam', { id: 'cam', url: 'rtsp://h/x' }), true],
      [record(topics.cameras, 'cam', null), true],
      [record(topics.identities, 'i1', { id: 'i1', name: 'A', faces: [], negatives: [], externalId: null, metadata: null, createdAt: 1 }), true],
      [record(topics.identities, 'i2', { id: 'i2' }), false],
      [record(topics.identities, 'i1', null), true],
      [record(topics.tokens, 'tok', { id: 'tok', role: 'viewer', digest, name: null, createdAt: null }), true],
      [record(topics.tokens, 'bad', { id: 'bad', role: 'root', digest }), false],
      [record(topics.tokens, 'exp', { id: 'exp', role: 'viewer', digest, name: null, createdAt: null, expiresAt: '2030-01-01T00:00:00.000Z' }), true],
      // An expiry that cannot be read must not become "never expires".
      [record(topics.tokens, 'soon', { id: 'soon', role: 'viewer', digest, name: null, createdAt: null, expiresAt: 'soon' }), false],
      [record(topics.tracks, 'tr', { camera: 'cam', embedding }), true],
      [record(topics.members, 'gw', { instanceId: 'gw', url: 'file:///etc', at: 1 }), false],
      [record(topics.views, 'cam', 'not json'), false],
    ];
    for (const [r, ok] of table) assert.equal(applyStateRecord(topics, r, target), ok, `${r.topic} ${r.key}`);
    assert.deepEqual(applied, ['camera cam set', 'camera cam removed', 'identity i1 set', 'identity i1 removed', 'token tok set', 'token exp set', 'track tr cam 3']);
    assert.deepEqual([...target.identityKeys], []);
    assert.equal(target.members.size, 0, 'a member URL that is not http(s) is never a peer');
  });
});

describe('token records carry their expiry', () => {
  const digest = 'b'.repeat(64);
  const table: [string, Record<string, unknown>, string | null | undefined][] = [
    ['no expiry (a record from before expiry existed)', { id: 't', role: 'admin', digest }, null],
    ['never expires', { id: 't', role: 'admin', digest, expiresAt: null }, null],
    ['an RFC 3339 expiry', { id: 't', role: 'admin', digest, expiresAt: '2030-01-01T00:00:00.000Z' }, '2030-01-01T00:00:00.000Z'],
    ['an unreadable expiry: the record is refused', { id: 't', role: 'admin', digest, expiresAt: 'tomorrow' }, undefined],
    ['an expiry that is not a string: refused', { id: 't', role: 'admin', digest, expiresAt: 1 }, undefined],
  ];
  for (const [name, value, want] of table) {
    it(name, () => {
      const token = asToken(value);
      if (want === undefined) assert.equal(token, null);
      else assert.equal(token?.expiresAt, want);
    });
  }
});
