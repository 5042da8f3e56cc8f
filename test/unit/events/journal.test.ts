import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdtempSync, readdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, type JournalOptions } from '../../../src/events';
import { decodeRecord, encodeRecord, scanRecords } from '../../../src/events/journal-record';

function options(overrides: Partial<JournalOptions> = {}): JournalOptions & { drops: [string, number][] } {
  const drops: [string, number][] = [];
  return { dir: mkdtempSync(join(tmpdir(), 'vigil-journal-')), maxBytes: 64 * 1024, segmentBytes: 4 * 1024, fsyncIntervalMs: 0, whenFull: 'dropOldest', onDropped: (reason, count) => drops.push([reason, count]), drops, ...overrides };
}

const event = (n: number): string => JSON.stringify({ n, pad: 'x'.repeat(100) });

/** Reads and acknowledges everything, as the Kafka sink does when Kafka answers. */
function drain(journal: Journal, batch = 7): number[] {
  const out: number[] = [];
  for (;;) {
    const entries = journal.peek(batch, 1024);
    if (entries.length === 0) return out;
    for (const e of entries) out.push((JSON.parse(e.json) as { n: number }).n);
    journal.ack(entries[entries.length - 1]!);
  }
}

describe('journal records', () => {
  it('round-trip, and a flipped bit or a torn tail is detected', () => {
    const record = encodeRecord(1234.5, '{"a":"é"}');
    const decoded = decodeRecord(record, 0);
    assert.deepEqual(decoded, { kind: 'record', record: { acceptedAt: 1234.5, json: '{"a":"é"}', attributes: null, size: record.length } });
    const flipped = Buffer.from(record);
    flipped[flipped.length - 2]! ^= 1;
    assert.equal(decodeRecord(flipped, 0).kind, 'corrupt');
    assert.equal(decodeRecord(record.subarray(0, record.length - 1), 0).kind, 'incomplete');
    const two = Buffer.concat([record, record, record.subarray(0, 5)]);
    assert.deepEqual(scanRecords(two), { count: 2, validBytes: record.length * 2, problem: 'incomplete record at the end (torn write)' });
  });
});

describe('journal records with attributes', () => {
  it('carry the context attributes beside the JSON, so a sink never parses the event for its headers', () => {
    const attributes = ['1.0', 'id-1', 'vigil.face.unknown', 'urn:vigil:gateway:g', '2026-12-01T00:00:00.000Z', 'door', '7', 'run1'];
    const record = encodeRecord(99, '{"x":1}', attributes);
    assert.deepEqual(decodeRecord(record, 0), { kind: 'record', record: { acceptedAt: 99, json: '{"x":1}', attributes, size: record.length } });
    const flipped = Buffer.from(record);
    flipped[20]! ^= 1;
    assert.equal(decodeRecord(flipped, 0).kind, 'corrupt', 'the checksum covers the attributes');
  });

  it('a journal left by a version without attributes replays next to new records', () => {
    const o = options();
    const journal = new Journal(o);
    journal.open();
    journal.append(1, event(1));
    journal.append(2, event(2), ['a', 'b']);
    const [legacy, current] = journal.peek(10, 1 << 20);
    assert.equal(legacy?.attributes, null);
    assert.equal(legacy?.json, event(1));
    assert.deepEqual(current?.attributes, ['a', 'b']);
    assert.equal(current?.json, event(2));
    journal.close();
  });
});

describe('journal', () => {
  it('gives back what was appended, in order, across several segments, deleting delivered ones', () => {
    const o = options();
    const journal = new Journal(o);
    assert.equal(journal.open(), 0);
    for (let n = 0; n < 200; n++) assert.ok(journal.append(n, event(n)));
    assert.ok(readdirSync(o.dir).filter((f) => f.endsWith('.seg')).length > 3, 'several segments');
    assert.equal(journal.pending, 200);
    assert.deepEqual(drain(journal), Array.from({ length: 200 }, (_, n) => n));
    assert.equal(journal.pending, 0);
    assert.equal(readdirSync(o.dir).filter((f) => f.endsWith('.seg')).length, 1, 'only the active segment is left');
    journal.close();
  });

  it('survives a restart: unacknowledged events come back, acknowledged ones do not', () => {
    const o = options();
    const first = new Journal(o);
    first.open();
    for (let n = 0; n < 100; n++) first.append(n, event(n));
    const head = first.peek(30, 1 << 20);
    first.ack(head[head.length - 1]!);
    first.close();

    const second = new Journal(o);
    assert.equal(second.open(), 70);
    second.append(100, event(100));
    assert.deepEqual(drain(second), Array.from({ length: 71 }, (_, n) => n + 30));
    second.close();
  });

  it('cuts a torn write off the tail after a crash and keeps the whole records before it', () => {
    const o = options();
    const journal = new Journal(o);
    journal.open();
    for (let n = 0; n < 5; n++) journal.append(n, event(n));
    journal.close();
    const [segment] = readdirSync(o.dir).filter((f) => f.endsWith('.seg'));
    const path = join(o.dir, segment!);
    appendFileSync(path, encodeRecord(5, event(5)).subarray(0, 20)); // a crash mid-write
    const reopened = new Journal(o);
    assert.equal(reopened.open(), 5);
    assert.equal(statSync(path).size % encodeRecord(0, event(0)).length, 0, 'the torn bytes are gone');
    reopened.append(6, event(6));
    assert.deepEqual(drain(reopened), [0, 1, 2, 3, 4, 6]);
    reopened.close();
  });

  it('ignores a cursor file that does not match the segments and replays from the oldest record', () => {
    const o = options();
    const journal = new Journal(o);
    journal.open();
    for (let n = 0; n < 3; n++) journal.append(n, event(n));
    journal.close();
    writeFileSync(join(o.dir, 'cursor.json'), '{"index": 99, "segment": 12345, "offset": 0}');
    const reopened = new Journal(o);
    assert.equal(reopened.open(), 3);
    assert.deepEqual(drain(reopened), [0, 1, 2]);
    reopened.close();
  });

  it('when full with dropOldest, drops the oldest undelivered events, counts them and keeps the newest', () => {
    const o = options({ maxBytes: 16 * 1024, segmentBytes: 4 * 1024 });
    const journal = new Journal(o);
    journal.open();
    for (let n = 0; n < 1000; n++) assert.ok(journal.append(n, event(n)));
    assert.ok(journal.bytes <= 16 * 1024);
    const dropped = o.drops.filter(([r]) => r === 'journal_full').reduce((a, [, c]) => a + c, 0);
    const left = drain(journal);
    assert.equal(dropped + left.length, 1000, 'every event is either delivered or counted as dropped');
    assert.deepEqual(left, Array.from({ length: left.length }, (_, i) => 1000 - left.length + i), 'the newest survive, in order');
    journal.close();
  });

  it('when full with rejectNew, refuses new events and keeps the old ones', () => {
    const o = options({ maxBytes: 16 * 1024, segmentBytes: 4 * 1024, whenFull: 'rejectNew' });
    const journal = new Journal(o);
    journal.open();
    let accepted = 0;
    for (let n = 0; n < 1000; n++) if (journal.append(n, event(n))) accepted++;
    assert.ok(accepted > 50 && accepted < 1000);
    assert.deepEqual(drain(journal), Array.from({ length: accepted }, (_, n) => n));
    assert.ok(journal.append(2000, event(2000)), 'room again once delivered');
    journal.close();
  });

  it('an acknowledgement for events already dropped does not move the cursor back', () => {
    const o = options({ maxBytes: 16 * 1024, segmentBytes: 4 * 1024 });
    const journal = new Journal(o);
    journal.open();
    for (let n = 0; n < 10; n++) journal.append(n, event(n));
    const inFlight = journal.peek(5, 1 << 20);
    for (let n = 10; n < 1000; n++) journal.append(n, event(n));
    journal.ack(inFlight[inFlight.length - 1]!);
    const left = drain(journal);
    assert.equal(left[0]! > 10, true);
    assert.deepEqual(left, Array.from({ length: left.length }, (_, i) => left[0]! + i));
    journal.close();
  });

  it('skips a damaged record in the middle of a segment, loudly', () => {
    const o = options({ segmentBytes: 4 * 1024 });
    const journal = new Journal(o);
    journal.open();
    for (let n = 0; n < 60; n++) journal.append(n, event(n));
    journal.close();
    const [oldest] = readdirSync(o.dir).filter((f) => f.endsWith('.seg')).sort();
    const path = join(o.dir, oldest!);
    const bytes = readFileSync(path);
    bytes[200]! ^= 0xff;
    writeFileSync(path, bytes);
    const reopened = new Journal(o);
    reopened.open();
    const left = drain(reopened);
    assert.ok(o.drops.some(([reason]) => reason === 'journal_corrupt'));
    assert.equal(left.at(-1), 59, 'later segments are delivered');
    assert.ok(left.length < 60);
    reopened.close();
  });

  it('keeps its folder and files to the gateway user (0700, 0600), also for files an older version left readable', () => {
    const parent = mkdtempSync(join(tmpdir(), 'vigil-journal-modes-'));
    const o = options({ dir: join(parent, 'webhooks', 'wh-1') });
    const journal = new Journal(o);
    journal.open();
    journal.append(0, event(0));
    journal.ack(journal.peek(1, 1024)[0]!);
    journal.close();
    const mode = (path: string): number => statSync(path).mode & 0o777;
    assert.equal(mode(join(parent, 'webhooks')), 0o700, 'folders it had to create');
    assert.equal(mode(o.dir), 0o700);
    for (const file of readdirSync(o.dir)) assert.equal(mode(join(o.dir, file)), 0o600, file);
    const segment = readdirSync(o.dir).find((f) => f.endsWith('.seg'))!;
    chmodSync(join(o.dir, segment), 0o644);
    chmodSync(o.dir, 0o755);
    const again = new Journal(o);
    again.open();
    again.close();
    assert.equal(mode(o.dir), 0o700);
    assert.equal(mode(join(o.dir, segment)), 0o600);
  });

  it('refuses a segment size over half the bound', () => {
    assert.throws(() => new Journal(options({ maxBytes: 4096, segmentBytes: 4096 })), RangeError);
  });
});
