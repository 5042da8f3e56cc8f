import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expand, loadConfig, SubstitutionError } from '../../../src/config';
import { typedValue } from '../../../src/config/substitute';
import { VigilError } from '../../../src/errors';

const ENV: Record<string, string> = { HOST: 'cam.local', EMPTY: '', PW: 'pa$$w:rd #1' };
const lookup = (name: string): string | undefined => ENV[name];

describe('${VAR} substitution (pure)', () => {
  const rows: [string, string][] = [
    ['no reference', 'no reference'],
    ['rtsp://${HOST}/s', 'rtsp://cam.local/s'],
    ['${HOST}', 'cam.local'],
    ['${EMPTY}', ''],
    ['${MISSING:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${HOST:-fallback}', 'cam.local'],
    ['${MISSING:-}', ''],
    ['${MISSING:-a b:c/d}', 'a b:c/d'],
    ['$${HOST}', '${HOST}'],
    ['pa$$word', 'pa$word'],
    ['pa$word', 'pa$word'],
    ['cost $5', 'cost $5'],
    ['trailing $', 'trailing $'],
    ['${HOST}${HOST}', 'cam.localcam.local'],
    ['u:${PW}@h', 'u:pa$$w:rd #1@h'],
  ];
  for (const [input, output] of rows) {
    it(`"${input}" -> "${output}"`, () => assert.equal(expand(input, lookup).value, output));
  }

  it('says which variables a value used, and whether the value was one reference alone', () => {
    assert.deepEqual(expand('a${HOST}b${MISSING:-x}', lookup), { value: 'acam.localbx', variables: ['HOST', 'MISSING'], whole: false });
    assert.equal(expand('${HOST}', lookup).whole, true);
    assert.equal(expand(' ${HOST}', lookup).whole, false);
  });

  const bad: [string, RegExp, string | undefined][] = [
    ['${MISSING}', /environment variable MISSING is not set \(and neither is MISSING_FILE\)/, 'MISSING'],
    ['${HOST', /without a closing/, undefined],
    ['${}', /is not a reference/, undefined],
    ['${1X}', /is not a reference/, undefined],
    ['${A-B}', /is not a reference/, undefined],
    ['${MISSING:-${HOST}}', /nested references are not supported/, 'MISSING'],
  ];
  for (const [input, message, variable] of bad) {
    it(`refuses "${input}"`, () => {
      assert.throws(() => expand(input, lookup), (e: unknown) => e instanceof SubstitutionError && message.test(e.message) && e.variable === variable);
    });
  }

  it('types a lone reference in a plain value as YAML would: numbers and booleans', () => {
    assert.deepEqual(['10', '-2.5', '1e3', 'true', 'False', '0x10', '10 fps', ''].map(typedValue), [10, -2.5, 1000, true, false, '0x10', '10 fps', '']);
  });
});

describe('${VAR} substitution in the streams file (loadConfig)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-subst-'));
  const load = (yaml: string, env: Record<string, string>) => {
    const path = join(dir, `s-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(path, yaml);
    return loadConfig({ VIGIL_CONFIG: path, ...env }, dir);
  };
  const SECRET = 'S3cret-Value-Never-Printed';

  it('expands values from the environment and VAR_FILE secret files; keys and comments are left alone', () => {
    const secretFile = join(dir, 'cam-password');
    writeFileSync(secretFile, `${SECRET}\n`);
    const config = load(
      [
        '# ${NOT_A_VALUE} in a comment is ignored',
        'gateway:',
        '  instanceId: ${GW_ID:-gw-default}',
        'cameras:',
        '  - id: ${CAM_ID}',
        '    url: rtsp://cam:${CAM_PASSWORD}@127.0.0.1:8554/live',
        '    fps: ${CAM_FPS}',
        '    name: "${CAM_FPS}"',
        '    enabled: ${CAM_ON:-true}',
      ].join('\n'),
      { CAM_ID: 'gate', CAM_PASSWORD_FILE: secretFile, CAM_FPS: '8' },
    );
    assert.equal(config.gateway.instanceId, 'gw-default');
    assert.deepEqual(
      { id: config.cameras[0]?.id, url: config.cameras[0]?.url, fps: config.cameras[0]?.fps, name: config.cameras[0]?.name, enabled: config.cameras[0]?.enabled },
      { id: 'gate', url: `rtsp://cam:${SECRET}@127.0.0.1:8554/live`, fps: 8, name: '8', enabled: true },
      'plain lone references are typed, quoted ones stay strings, the secret file loses its newline',
    );
  });

  it('refuses an unset variable, naming the field and the variable', () => {
    assert.throws(
      () => load('cameras:\n  - id: a\n    url: rtsp://u:${CAM_PW}@h/s\n', {}),
      (e: unknown) => e instanceof VigilError && e.code === 'VIGIL_ERR_CONFIG_INVALID' && /cameras\[0\]\.url: environment variable CAM_PW is not set/.test(e.message) && e.details.variable === 'CAM_PW',
    );
  });

  it('never puts a substituted value in an error: not when it fails validation, not when both VAR and VAR_FILE are set', () => {
    const errors: string[] = [];
    for (const [yaml, env] of [
      ['cameras:\n  - id: a\n    url: rtsp://h/s\n    fps: ${FPS}\n', { FPS: SECRET }],
      ['cameras:\n  - id: ${ID}\n    url: rtsp://h/s\n', { ID: `${SECRET} with spaces` }],
      ['cameras:\n  - id: a\n    url: rtsp://u:${PW}@h/s\n', { PW: SECRET, PW_FILE: join(dir, 'cam-password') }],
      ['cameras:\n  - id: a\n    url: rtsp://u:${PW}@h/s\n', { PW_FILE: join(dir, 'no-such-file') }],
    ] as const) {
      try {
        load(yaml, env);
        assert.fail('should have been refused');
      } catch (error) {
        assert.ok(error instanceof VigilError, String(error));
        errors.push(`${error.message} ${JSON.stringify(error.details)}`);
      }
    }
    assert.match(errors[0] as string, /cameras\[0\]\.fps/);
    assert.match(errors[1] as string, /cameras\[0\]\.id/);
    assert.match(errors[2] as string, /both PW and PW_FILE are set/);
    assert.match(errors[3] as string, /PW_FILE names .*no-such-file, which cannot be read \(ENOENT\)/);
    for (const text of errors) assert.ok(!text.includes(SECRET), `no secret in: ${text}`);
  });

  it('keeps YAML syntax errors as they were (before any substitution)', () => {
    assert.throws(() => load('cameras: [\n', {}), /is not valid YAML/);
  });
});
