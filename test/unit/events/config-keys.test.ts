import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/config';

describe('event delivery configuration keys', () => {
  it('has documented defaults for the journal, the producer and the WebSocket limits', () => {
    const config = parseConfig({}, 'streams.yaml');
    assert.deepEqual(config.kafka.journal, { maxBytes: 256 * 1024 * 1024, segmentBytes: 16 * 1024 * 1024, fsyncIntervalMs: 100, whenFull: 'dropOldest' });
    assert.equal(config.kafka.requestTimeoutMs, 30_000);
    assert.equal(config.kafka.compression, 'gzip');
    assert.deepEqual({ ...config.websocket }, { maxQueueMessages: 1000, maxQueueBytes: 4 * 1024 * 1024, heartbeatMs: 30_000, historyEvents: 10_000, historyBytes: 32 * 1024 * 1024 });
  });

  const refused: [string, unknown, RegExp][] = [
    ['segments larger than half the journal', { kafka: { journal: { maxBytes: 1024 * 1024, segmentBytes: 1024 * 1024 } } }, /kafka\.journal\.segmentBytes: must be at most half of maxBytes/],
    ['an unknown full policy', { kafka: { journal: { whenFull: 'ignore' } } }, /kafka\.journal\.whenFull/],
    ['an unknown websocket key', { websocket: { maxClients: 3 } }, /websocket/],
    ['a tiny send queue', { websocket: { maxQueueMessages: 1 } }, /websocket\.maxQueueMessages/],
  ];
  for (const [name, document, message] of refused) {
    it(`refuses ${name}, naming the field`, () => assert.throws(() => parseConfig(document, 'streams.yaml'), message));
  }
});
