import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DISPLAY_TEXT_PATTERN, cameraSchema, unsafeCharacter, unsafeMetadataKey, visibleText } from '../../../src/config';

const TABLE: [string, string, string | null][] = [
  ['plain', 'Front gate', null],
  ['accents', 'Caméra entrée', null],
  ['other scripts and emoji', 'Камера 門口 🚪 كاميرا', null],
  ['NUL', 'Caméra \u0000 x', 'U+0000'],
  ['newline (forges log lines)', 'gate\nlevel=error', 'U+000A'],
  ['tab', 'a\tb', 'U+0009'],
  ['escape (terminal sequences)', '\u001b[31mred', 'U+001B'],
  ['DEL', 'a\u007fb', 'U+007F'],
  ['C1 control', 'a\u0085b', 'U+0085'],
  ['right-to-left override', 'Caméra \u202e LTR', 'U+202E'],
  ['left-to-right embedding', '\u202ax', 'U+202A'],
  ['right-to-left isolate', 'x\u2067y', 'U+2067'],
  ['pop directional isolate', 'x\u2069', 'U+2069'],
  ['right-to-left mark', 'x\u200fy', 'U+200F'],
  ['Arabic letter mark', 'x\u061cy', 'U+061C'],
  ['line separator', 'x\u2028y', 'U+2028'],
];

describe('display text: control and bidirectional-override characters', () => {
  for (const [name, text, expected] of TABLE) {
    it(`${expected ? 'refuses' : 'accepts'} ${name}`, () => {
      assert.equal(unsafeCharacter(text), expected);
      // The JSON Schema pattern the API validates with agrees with the check.
      assert.equal(new RegExp(DISPLAY_TEXT_PATTERN, 'u').test(text), expected === null);
    });
  }

  it('finds unsafe metadata keys at any depth, and leaves values alone', () => {
    assert.equal(unsafeMetadataKey({ team: 'red\u202e', badge: { number: 4 } }), null);
    assert.deepEqual(unsafeMetadataKey({ team: { 'na\u202eme': 1 } }), { path: 'team.na\\u202Eme', character: 'U+202E' });
    assert.deepEqual(unsafeMetadataKey({ list: [{ ok: 1 }, { 'a\u0000': 2 }] }), { path: 'list[1].a\\u0000', character: 'U+0000' });
    assert.equal(unsafeMetadataKey(null), null);
  });

  it('quotes unsafe text harmlessly', () => assert.equal(visibleText('a\u202eb\u0000'), 'a\\u202Eb\\u0000'));

  it('refuses such a camera name in the streams file, naming the field', () => {
    const result = cameraSchema.safeParse({ id: 'gate', url: 'rtsp://127.0.0.1/x', name: 'Caméra \u0000 \u202e RTL' });
    assert.equal(result.success, false);
    assert.deepEqual(result.error?.issues[0]?.path, ['name']);
    assert.match(result.error?.issues[0]?.message ?? '', /control or bidirectional-override/);
    assert.equal(cameraSchema.safeParse({ id: 'gate', url: 'rtsp://127.0.0.1/x', name: 'Caméra entrée' }).success, true);
  });
});
