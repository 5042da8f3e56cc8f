import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { chooseLogFormat, createLogger } from '../../../src/observability';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('log format', () => {
  const rows: [Parameters<typeof chooseLogFormat>[0], boolean | undefined, string][] = [
    ['auto', true, 'pretty'],
    ['auto', false, 'json'],
    ['auto', undefined, 'json'],
    ['json', true, 'json'],
    ['pretty', false, 'pretty'],
  ];
  for (const [setting, tty, format] of rows) {
    it(`LOG_FORMAT=${setting} on ${tty ? 'a terminal' : 'a pipe'}: ${format}`, () => assert.equal(chooseLogFormat(setting, tty), format));
  }

  it('json: one JSON object a line, secrets redacted', () => {
    const out = sink();
    createLogger('info', out.stream, 'json').info({ camera: 'gate', password: 'hunter2-secret' }, 'camera started');
    const line = JSON.parse(out.text()) as Record<string, unknown>;
    assert.deepEqual([line.msg, line.camera, line.password, line.level], ['camera started', 'gate', '***', 30]);
  });

  it('pretty: a human line (level name, message, fields), written at once, secrets redacted', () => {
    const out = sink();
    const logger = createLogger('info', out.stream, 'pretty');
    logger.info({ camera: 'gate', password: 'hunter2-secret' }, 'camera started');
    // Synchronous: the line is there before anything else runs (nothing is left in flight at exit).
    const text = out.text();
    assert.throws(() => JSON.parse(text));
    assert.match(text, /INFO.*camera started/);
    assert.match(text, /camera: "gate"/);
    assert.ok(!text.includes('hunter2-secret'));
    assert.match(text, /password: "\*\*\*"/);
    assert.ok(!/\x1b\[/.test(text), 'no colours for a stream that is not a terminal');
  });
});
