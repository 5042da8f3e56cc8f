import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { WIRE_TYPES_FILE, wireTypesSource } from '../../../src/api/wire-shapes';
import { cameraCreateSchema } from '../../../src/api/schemas';
import { cameraJsonSchema } from '../../../src/config';
import type { CameraView as DomainCameraView } from '../../../src/cameras';
import type { CameraStatusData as DomainStatusData, FaceMatchData as DomainMatchData, TrackEndedData as DomainEndedData } from '../../../src/events';
import type { IdentityView as DomainIdentityView } from '../../../src/gallery';
import type { TokenView as DomainTokenView } from '../../../src/auth';
import type * as Wire from '../../../web/src/wire-types';

// Compile-time parity: each pair must be assignable both ways, or `npm run build` (and so the
// suite) fails. The domain declares its types in TypeScript, the wire in JSON Schema; the
// dashboard and the tests read the generated side.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const parity: [
  Same<DomainCameraView, Wire.CameraView>,
  Same<DomainIdentityView, Wire.IdentityView>,
  Same<DomainTokenView, Wire.TokenView>,
  Same<Omit<DomainStatusData, 'camera'> & { camera: string }, Wire.CameraStatusData>,
  Same<DomainMatchData, Wire.FaceMatchData>,
  Same<DomainEndedData, Wire.TrackEndedData>,
] = [true, true, true, true, true, true];

describe('shapes on the wire are declared once', () => {
  it('the domain types and the schemas agree (checked when this file compiles)', () => assert.ok(parity.every(Boolean)));

  it("the API's camera fields are the streams file's, plus credentials", () => {
    const { properties } = cameraJsonSchema();
    assert.deepEqual(cameraCreateSchema.properties, { ...properties, username: cameraCreateSchema.properties.username, password: cameraCreateSchema.properties.password });
    assert.equal(((cameraCreateSchema.properties as Record<string, { multipleOf?: number }>).width)?.multipleOf, 2, 'even sizes are checked by the schema itself');
  });

  it('web/src/wire-types.ts is what the schemas generate today (run `npm run gen` after changing a schema)', () => {
    assert.equal(readFileSync(WIRE_TYPES_FILE, 'utf8'), wireTypesSource());
  });
});
