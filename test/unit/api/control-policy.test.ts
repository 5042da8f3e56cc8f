import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter, toVigilError } from '../../../src/api';
import { parseConfig, parseTokens, roleAllows } from '../../../src/config';
import { desiredCameras, keepStoredPassword, mergeCredentials, planCameras, recordFromCreate, recordFromPatch, validateCamera, type DesiredCamera } from '../../../src/control';
import { VigilError } from '../../../src/errors';
import { TokenCheck, tokenDigest } from '../../../src/events';
import { sniffImageType } from '../../../src/imaging';

const cam = (id: string, extra: Record<string, unknown> = {}) => parseConfig({ cameras: [{ id, url: `rtsp://10.0.0.1/${id}`, ...extra }] }, 't').cameras[0] as DesiredCamera['config'];

describe('roles', () => {
  const table: [string, 'viewer' | 'operator' | 'admin', boolean][] = [
    ['viewer', 'viewer', true], ['viewer', 'operator', false], ['viewer', 'admin', false],
    ['operator', 'viewer', true], ['operator', 'operator', true], ['operator', 'admin', false],
    ['admin', 'admin', true], ['anonymous', 'admin', true], ['root', 'viewer', false],
  ];
  for (const [role, required, allowed] of table) it(`${role} ${allowed ? 'may' : 'may not'} do what ${required} may`, () => assert.equal(roleAllows(role, required), allowed));

  it('reads tokens from lines and commas with comments, and checks stored hashed tokens too', () => {
    const tokens = parseTokens('# ops\nviewer:aaaaaaaaaaaaaaaa\noperator:bbbbbbbbbbbbbbbb, admin:cccccccccccccccc\n', 'VIGIL_TOKENS_FILE');
    assert.deepEqual(tokens.map((t) => t.role), ['viewer', 'operator', 'admin']);
    const check = new TokenCheck(tokens, [{ id: 'tok-1', role: 'operator', source: 'stored', name: 'ci', digest: tokenDigest('dddddddddddddddd'), createdAt: null }]);
    assert.deepEqual(check.identify('dddddddddddddddd'), { role: 'operator', tokenId: 'tok-1' });
    assert.equal(check.identify('bbbbbbbbbbbbbbbb')?.role, 'operator');
    assert.ok(!JSON.stringify(check.list()).includes('aaaaaaaaaaaaaaaa'), 'list holds no secret');
    assert.equal(check.remove(check.list()[0]?.id as string), false, 'configured tokens stay');
    assert.equal(check.remove('tok-1'), true);
    assert.equal(check.identify('dddddddddddddddd'), null);
  });
});

describe('rate limiter', () => {
  it('allows a burst, then one per refill interval, per key', () => {
    const limiter = new RateLimiter({ perMinute: 60, burst: 2 });
    assert.deepEqual([limiter.take('a', 0), limiter.take('a', 0)].map((d) => d.allowed), [true, true]);
    assert.deepEqual(limiter.take('a', 0), { allowed: false, retryAfterMs: 1000 });
    assert.equal(limiter.take('b', 0).allowed, true, 'another caller has its own bucket');
    assert.equal(limiter.take('a', 999).allowed, false);
    assert.equal(limiter.take('a', 1000).allowed, true);
  });
});

describe('camera input', () => {
  it('merges separate credentials into the URL (percent-encoded) and keeps them out of nothing else', () => {
    assert.equal(mergeCredentials('rtsp://10.0.0.5:554/s', 'ad min', 'p@ss:w/rd'), 'rtsp://ad%20min:p%40ss%3Aw%2Frd@10.0.0.5:554/s');
    assert.equal(mergeCredentials('rtsp://u:old@h/s', undefined, 'new'), 'rtsp://u:new@h/s');
    assert.throws(() => mergeCredentials('file:/x', 'u', 'p'), /only for network camera URLs/);
    const record = recordFromCreate({ id: 'a', url: 'rtsp://h/s', username: 'u', password: 'p' });
    assert.deepEqual(record, { id: 'a', url: 'rtsp://u:p@h/s' });
  });

  it('keeps the stored password when a redacted URL comes back, and replaces it when a new one is given', () => {
    assert.equal(keepStoredPassword('rtsp://u:***@h/s', 'rtsp://u:secret@h/s'), 'rtsp://u:secret@h/s');
    assert.equal(keepStoredPassword('rtsp://u:%2A%2A%2A@h/s', 'rtsp://u:secret@h/s'), 'rtsp://u:secret@h/s');
    assert.equal(keepStoredPassword('rtsp://u:other@h/s', 'rtsp://u:secret@h/s'), 'rtsp://u:other@h/s');
    assert.deepEqual(recordFromPatch({ id: 'a', url: 'rtsp://u:secret@h/s', fps: 5 }, { url: 'rtsp://u:***@h2/s', fps: 2 }), { id: 'a', url: 'rtsp://u:secret@h2/s', fps: 2 });
    assert.deepEqual(recordFromPatch({ id: 'a', url: 'rtsp://h/s' }, { id: 'b' }).id, 'a', 'the id never changes');
  });

  const refused: [string, Record<string, unknown>, string][] = [
    ['a concat: URL', { id: 'a', url: 'concat:/etc/passwd' }, 'VIGIL_ERR_URL_SCHEME'],
    ['a file: URL through the API', { id: 'a', url: 'file:/etc/passwd' }, 'VIGIL_ERR_LOCAL_FILES_DISABLED'],
    ['an odd width', { id: 'a', url: 'rtsp://h/s', width: 33 }, 'VIGIL_ERR_BAD_REQUEST'],
    ['an unknown key', { id: 'a', url: 'rtsp://h/s', colour: 1 }, 'VIGIL_ERR_BAD_REQUEST'],
  ];
  for (const [name, record, code] of refused) {
    it(`refuses ${name}`, () => assert.throws(() => validateCamera(record as { id: string; url: string }, { allowLocalFiles: false, baseDir: '/' }), (e: unknown) => e instanceof VigilError && e.code === code));
  }
});

describe('camera registry plan', () => {
  it('lets streams.yaml win on a shared id and reports the shadowed API camera', () => {
    const { cameras, shadowed } = desiredCameras([cam('a'), cam('b')], [cam('b', { fps: 1 }), cam('c')]);
    assert.deepEqual(cameras.map((c) => [c.config.id, c.origin, c.config.fps]), [['a', 'config', 5], ['b', 'config', 5], ['c', 'api', 5]]);
    assert.deepEqual(shadowed, ['b']);
  });

  it('starts new cameras, restarts changed ones, stops removed ones and leaves the rest alone', () => {
    const running = new Map<string, DesiredCamera>([
      ['same', { config: cam('same'), origin: 'config' }],
      ['changed', { config: cam('changed'), origin: 'config' }],
      ['moved', { config: cam('moved'), origin: 'api' }],
      ['gone', { config: cam('gone'), origin: 'api' }],
    ]);
    const plan = planCameras(running, [
      { config: cam('same'), origin: 'config' },
      { config: cam('changed', { fps: 2 }), origin: 'config' },
      { config: cam('moved'), origin: 'config' },
      { config: cam('new'), origin: 'api' },
    ]);
    assert.deepEqual({ add: plan.add.map((c) => c.config.id), replace: plan.replace.map((c) => c.config.id), remove: plan.remove }, { add: ['new'], replace: ['changed', 'moved'], remove: ['gone'] });
  });
});

describe('API errors and uploads', () => {
  it('maps fastify errors to catalog codes, hiding internals of unexpected ones', () => {
    const validation = Object.assign(new Error('x'), { validation: [{ instancePath: '/fps', message: 'must be number', params: {} }], validationContext: 'body' });
    assert.deepEqual(toVigilError(validation).toJSON().details, { field: 'body/fps', reason: 'must be number' });
    assert.equal(toVigilError(Object.assign(new Error('too big'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' })).code, 'VIGIL_ERR_PAYLOAD_TOO_LARGE');
    assert.equal(toVigilError(Object.assign(new Error('nope'), { statusCode: 415 })).code, 'VIGIL_ERR_UNSUPPORTED_MEDIA_TYPE');
    const internal = toVigilError(new Error('ENOENT /secret/path'));
    assert.equal(internal.message, 'internal error');
    assert.equal(internal.httpStatus, 500);
  });

  const sniff: [string, number[], string | null][] = [
    ['JPEG', [0xff, 0xd8, 0xff, 0xe0], 'jpeg'],
    ['PNG', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'png'],
    ['WebP', [...Buffer.from('RIFF\0\0\0\0WEBP')], 'webp'],
    ['GIF', [...Buffer.from('GIF89a')], null],
    ['SVG', [...Buffer.from('<svg')], null],
    ['empty', [], null],
  ];
  for (const [name, bytes, type] of sniff) it(`sniffs ${name} as ${String(type)}`, () => assert.equal(sniffImageType(Uint8Array.from(bytes)), type));
});
