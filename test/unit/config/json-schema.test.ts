import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { streamsJsonSchemaText } from '../../../src/config';
import { ROOT } from '../../helpers/paths';

const committed = readFileSync(join(ROOT, 'schemas', 'streams-v1.json'), 'utf8');

describe('JSON Schema of streams.yaml (schemas/streams-v1.json)', () => {
  it('is what the zod schema generates today (run `npm run gen` after changing src/config/schema.ts)', () => {
    assert.equal(committed, streamsJsonSchemaText());
  });

  const validate = new Ajv2020({ strict: true, allErrors: true }).compile(JSON.parse(committed) as object);

  it('accepts the shipped streams.yaml, which points editors at it', () => {
    const text = readFileSync(join(ROOT, 'streams.yaml'), 'utf8');
    assert.match(text.split('\n')[0] as string, /^# yaml-language-server: \$schema=\.\/schemas\/streams-v1\.json$/);
    assert.equal(validate(parse(text)), true, JSON.stringify(validate.errors));
  });

  it('refuses what the gateway refuses: unknown keys, wrong types, bad enums', () => {
    for (const document of [{ camras: [] }, { cameras: [{ id: 'a', url: 'rtsp://h/s', fps: 'fast' }] }, { cameras: [{ id: 'a', url: 'rtsp://h/s', fsp: 5 }] }, { ingest: { degradeTo: 'never' } }, { cameras: [{ id: 'a b', url: 'rtsp://h/s' }] }]) {
      assert.equal(validate(document), false, JSON.stringify(document));
    }
  });

  it('lets a number, boolean or enum be a ${VAR} reference, as the loader does', () => {
    assert.equal(validate({ gateway: { allowLocalFiles: '${LOCAL:-false}' }, cameras: [{ id: '${CAM_ID}', url: 'rtsp://u:${PW}@h/s', fps: '${FPS}', rtspTransport: '${TRANSPORT}' }] }), true, JSON.stringify(validate.errors));
    assert.equal(validate({ cameras: [{ id: 'a', url: 'x', fps: '${FPS} fps' }] }), false);
  });
});
