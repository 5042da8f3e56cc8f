import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { decodeImage } from '../../src/imaging';
import { FACES } from '../helpers/paths';
import { startTestApp, type TestApp } from '../helpers/api-app';

const photo = (person: string, file: string): Buffer => readFileSync(join(FACES, person, file));

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** A 60000x60000 PNG in a few hundred bytes: a decompression bomb (3.6 gigapixels). */
function pngBomb(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(60_000, 0);
  header.writeUInt32BE(60_000, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = deflateSync(Buffer.alloc(60_001 * 4));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]);
}

function multipart(fields: Record<string, string>, files: { name: string; filename: string; bytes: Buffer; type?: string }[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----vigil-test-boundary';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\nContent-Type: ${f.type ?? 'image/jpeg'}\r\n\r\n`), f.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false }) as string[];
}

describe('control plane API: identities (real models, gallery, sharp)', () => {
  let t: TestApp;
  let blank: Buffer;
  /** A fixture photo made too small (a 40 px face) and too blurry (as the CLI test makes them). */
  let small: Buffer;
  let blurry: Buffer;
  before(async () => {
    t = await startTestApp({ api: { watchConfig: false, maxImageBytes: 512 * 1024 } });
    blank = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 120, g: 120, b: 120 } } }).jpeg().toBuffer();
    const original = photo('obama', 'obama1.jpg');
    const image = await decodeImage(original);
    const [face] = (await t.app.pool.detect(image.pixels, image.width, image.height, false)).faces;
    assert.ok(face, 'the fixture photo has a face');
    small = await sharp(original).rotate().resize(Math.round(image.width * (40 / face.box.height))).jpeg({ quality: 95 }).toBuffer();
    blurry = await sharp(original).rotate().blur((4 * face.box.height) / 112).jpeg({ quality: 95 }).toBuffer();
  });
  after(async () => t?.stop());

  const names = async (): Promise<string[]> => ((await t.request({ method: 'GET', url: '/v1/identities', as: 'viewer' })).json() as { name: string }[]).map((i) => i.name);

  it('enrols from base64 JSON and from multipart, lists, gets, renames, adds and removes faces, and deletes', async () => {
    const json = await t.request({ method: 'POST', url: '/v1/identities', as: 'operator', payload: { name: 'Barack Obama', externalId: 'emp-44', metadata: { team: 'blue' }, images: [photo('obama', 'obama1.jpg').toString('base64'), photo('obama', 'obama2.jpg').toString('base64')] } });
    assert.equal(json.statusCode, 201, json.body);
    const obama = json.json() as { id: string; name: string; externalId: string; metadata: unknown; faces: number; createdAt: string };
    assert.deepEqual({ name: obama.name, externalId: obama.externalId, metadata: obama.metadata, faces: obama.faces }, { name: 'Barack Obama', externalId: 'emp-44', metadata: { team: 'blue' }, faces: 2 });
    assert.ok(!Number.isNaN(Date.parse(obama.createdAt)));

    const form = multipart({ name: 'Joe Biden', metadata: '{"team":"red"}' }, [{ name: 'images', filename: 'biden1.jpg', bytes: photo('biden', 'biden1.jpg') }]);
    const mp = await t.request({ method: 'POST', url: '/v1/identities', as: 'operator', ...form });
    assert.equal(mp.statusCode, 201, mp.body);
    const biden = mp.json() as { id: string; faces: number; metadata: unknown };
    assert.deepEqual({ faces: biden.faces, metadata: biden.metadata }, { faces: 1, metadata: { team: 'red' } });

    assert.deepEqual(await names(), ['Barack Obama', 'Joe Biden']);
    assert.equal((await t.request({ method: 'GET', url: `/v1/identities/${obama.id}`, as: 'viewer' })).statusCode, 200);
    const dup = await t.request({ method: 'POST', url: '/v1/identities', as: 'operator', payload: { name: 'Joe Biden' } });
    assert.equal(dup.statusCode, 409);

    const renamed = await t.request({ method: 'PATCH', url: `/v1/identities/${biden.id}`, as: 'operator', payload: { name: 'Joseph Biden', externalId: null } });
    assert.equal((renamed.json() as { name: string }).name, 'Joseph Biden');
    const added = await t.request({ method: 'POST', url: `/v1/identities/${biden.id}/faces`, as: 'operator', payload: { image: photo('biden', 'biden2.jpg').toString('base64') } });
    assert.equal(added.statusCode, 201, added.body);
    const { faceId } = added.json() as { faceId: number };
    const faces = (await t.request({ method: 'GET', url: `/v1/identities/${biden.id}/faces`, as: 'viewer' })).json() as { id: number; source: string }[];
    assert.deepEqual(faces.map((f) => f.id).at(-1), faceId);
    assert.equal(faces.length, 2);
    assert.equal((await t.request({ method: 'GET', url: `/v1/identities/${biden.id}`, as: 'viewer' })).json<{ faces: number }>().faces, 2);
    assert.equal((await t.request({ method: 'DELETE', url: `/v1/identities/${biden.id}/faces/${faceId}`, as: 'operator' })).statusCode, 204);
    assert.equal((await t.request({ method: 'DELETE', url: `/v1/identities/${biden.id}/faces/${faceId}`, as: 'operator' })).statusCode, 404);

    // "Not this person" from a recent track's embedding (what the recognizer records) and from a photo.
    const track = await t.app.gallery?.search(new Float32Array(512).fill(0), 1);
    assert.ok(track);
    t.app.gallery?.recordTrack('trk-test-1', 'cam', new Float32Array(512).fill(1 / Math.sqrt(512)));
    const negTrack = await t.request({ method: 'POST', url: `/v1/identities/${obama.id}/negatives`, as: 'operator', payload: { fromTrack: 'trk-test-1' } });
    assert.equal(negTrack.statusCode, 201, negTrack.body);
    assert.equal((negTrack.json() as { negatives: number }).negatives, 1);
    const missing = await t.request({ method: 'POST', url: `/v1/identities/${obama.id}/negatives`, as: 'operator', payload: { fromTrack: 'trk-never' } });
    assert.equal((missing.json() as { error: { code: string } }).error.code, 'VIGIL_ERR_TRACK_NOT_FOUND');

    assert.equal((await t.request({ method: 'DELETE', url: `/v1/identities/${biden.id}`, as: 'operator' })).statusCode, 204);
    assert.deepEqual(await names(), ['Barack Obama']);
  });

  const BAD: [string, () => Record<string, unknown>, number, string][] = [
    ['a photo without a face', () => ({ payload: { name: 'Nobody', images: [blank.toString('base64')] } }), 422, 'VIGIL_ERR_ENROLL_NO_FACE'],
    ['a photo of two people', () => ({ payload: { name: 'Two', images: [photo('scenes', 'two_people.jpg').toString('base64')] } }), 422, 'VIGIL_ERR_ENROLL_MULTIPLE_FACES'],
    ['one good and one bad photo (all or nothing)', () => ({ payload: { name: 'Half', images: [photo('obama', 'obama3.jpg').toString('base64'), blank.toString('base64')] } }), 422, 'VIGIL_ERR_ENROLL_NO_FACE'],
    ['a face too small to enrol', () => ({ payload: { name: 'Small', images: [small.toString('base64')] } }), 422, 'VIGIL_ERR_ENROLL_FACE_TOO_SMALL'],
    ['a face too blurry to enrol', () => ({ payload: { name: 'Blurry', images: [blurry.toString('base64')] } }), 422, 'VIGIL_ERR_ENROLL_FACE_BLURRY'],
    ['text that is not an image', () => ({ payload: { name: 'Txt', images: [Buffer.from('hello, I am not a picture at all').toString('base64')] } }), 415, 'VIGIL_ERR_IMAGE_TYPE'],
    ['an SVG', () => ({ payload: { name: 'Svg', images: [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>').toString('base64')] } }), 415, 'VIGIL_ERR_IMAGE_TYPE'],
    ['a decompression bomb', () => ({ payload: { name: 'Bomb', images: [pngBomb().toString('base64')] } }), 400, 'VIGIL_ERR_IMAGE_UNREADABLE'],
    ['an image over the size limit', () => ({ payload: { name: 'Big', images: [Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(600 * 1024)]).toString('base64')] } }), 413, 'VIGIL_ERR_PAYLOAD_TOO_LARGE'],
    ['an unknown field', () => ({ payload: { name: 'X', nickname: 'y' } }), 400, 'VIGIL_ERR_BAD_REQUEST'],
    ['a name of the wrong type', () => ({ payload: { name: 42 } }), 400, 'VIGIL_ERR_BAD_REQUEST'],
    ['base64 that is not base64', () => ({ payload: { name: 'B64', images: ['***not-base64***'] } }), 400, 'VIGIL_ERR_BAD_REQUEST'],
    ['a multipart text file named like a photo, with a traversal name', () => multipart({ name: 'Trav' }, [{ name: 'images', filename: '../../../../tmp/evil.jpg', bytes: Buffer.from('#!/bin/sh\necho pwned\n') }]), 415, 'VIGIL_ERR_IMAGE_TYPE'],
    ['a multipart upload over the size limit', () => multipart({ name: 'BigMp' }, [{ name: 'images', filename: 'big.jpg', bytes: Buffer.alloc(600 * 1024, 1) }]), 413, 'VIGIL_ERR_PAYLOAD_TOO_LARGE'],
    ['a multipart unknown field', () => multipart({ name: 'Mp', role: 'admin' }, []), 400, 'VIGIL_ERR_BAD_REQUEST'],
  ];
  for (const [name, request, status, code] of BAD) {
    it(`refuses ${name} with ${status} ${code}, storing nothing and writing no file`, async () => {
      const before = await names();
      const filesBefore = files(t.dir);
      const res = await t.request({ method: 'POST', url: '/v1/identities', as: 'operator', ...request() });
      assert.equal(res.statusCode, status, res.body.slice(0, 300));
      assert.equal((res.json() as { error: { code: string } }).error.code, code);
      assert.deepEqual(await names(), before);
      assert.deepEqual(files(t.dir).filter((f) => !filesBefore.includes(f) && !f.includes('snapshots')), [], 'no new file');
    });
  }

  it('answers 404 for traversal-looking identity and snapshot ids', async () => {
    for (const url of ['/v1/identities/..%2F..%2Fetc%2Fpasswd', '/v1/snapshots/..%2F..%2Fgallery.db', '/v1/identities/nope/faces/1']) {
      const res = await t.request({ method: url.includes('faces') ? 'DELETE' : 'GET', url, as: 'operator' });
      assert.equal(res.statusCode, 404, url);
    }
  });
});
