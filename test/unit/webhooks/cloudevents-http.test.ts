import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HTTP } from 'cloudevents';
import { eventDraft, eventSource, type CloudEvent } from '../../../src/events';
import { headerValue, httpMessage } from '../../../src/webhooks';

function published(): { event: CloudEvent; json: string } {
  const draft = eventDraft(eventSource('gw-1'), 'vigil.face.recognized', Date.parse('2026-02-03T04:05:06.789Z'), { camera: 'gate-1', identity: { id: 'i-1', name: 'Zoë "Z" 100%' } });
  const event: CloudEvent = { ...draft, sequence: 42, vigilrun: 'abcdef0123456789' };
  return { event, json: JSON.stringify(event) };
}

describe('CloudEvents HTTP binding', () => {
  it('percent-encodes header values as the binding says (space, quote, percent, non-ASCII)', () => {
    const table: [string, string][] = [
      ['gate-1', 'gate-1'],
      ['urn:vigil:gateway:gw-1', 'urn:vigil:gateway:gw-1'],
      ['a b', 'a%20b'],
      ['say "hi"', 'say%20%22hi%22'],
      ['100%', '100%25'],
      ['Zoë', 'Zo%C3%AB'],
      ['tab\there', 'tab%09here'],
    ];
    for (const [value, encoded] of table) assert.equal(headerValue(value), encoded, value);
  });

  it('structured mode: the bus JSON as the body, read back by the CloudEvents SDK as the same event', () => {
    const { event, json } = published();
    const message = httpMessage(event, json, 'structured');
    assert.equal(message.headers['content-type'], 'application/cloudevents+json; charset=utf-8');
    assert.equal(message.body.toString(), json);
    const parsed = HTTP.toEvent({ headers: message.headers, body: message.body.toString() }) as unknown as Record<string, unknown>;
    assert.equal(parsed.id, event.id);
    assert.equal(parsed.type, 'vigil.face.recognized');
    assert.equal(parsed.subject, 'gate-1');
    assert.equal(parsed.vigilrun, 'abcdef0123456789');
    assert.deepEqual(parsed.data, event.data);
  });

  it('binary mode: data as the body, attributes and extensions as ce- headers, read back by the SDK', () => {
    const { event, json } = published();
    const message = httpMessage(event, json, 'binary');
    assert.equal(message.headers['content-type'], 'application/json');
    assert.equal(message.headers['ce-specversion'], '1.0');
    assert.equal(message.headers['ce-sequence'], '42');
    assert.ok(!('ce-data' in message.headers) && !('ce-datacontenttype' in message.headers));
    assert.deepEqual(JSON.parse(message.body.toString()), event.data);
    const parsed = HTTP.toEvent({ headers: message.headers, body: message.body.toString() }) as unknown as Record<string, unknown>;
    assert.equal(parsed.id, event.id);
    assert.equal(parsed.source, 'urn:vigil:gateway:gw-1');
    assert.equal(parsed.time, '2026-02-03T04:05:06.789Z');
    assert.equal(parsed.vigilrun, 'abcdef0123456789');
    assert.equal(String(parsed.sequence), '42');
    assert.deepEqual(parsed.data, event.data);
  });
});
