import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config';
import { isVigilError } from '../errors';
import { Gallery, enrolmentProblem } from '../gallery';
import type { DetectedFace } from '../inference';
import type { Logger } from '../observability';
import type { Enroller } from './bulk-enrol';
import { FaceEngine } from './face-engine';
import { call, type RemoteTarget } from './remote';

/** The local gallery (VIGIL_DATA_DIR/gallery.db) with the face models in this process. */
export async function localEnroller(config: Config, logger: Logger): Promise<Enroller> {
  const gallery = Gallery.open(config.env.dataDir);
  let engine: FaceEngine;
  try {
    engine = await FaceEngine.start(config, logger);
  } catch (error) {
    gallery.close();
    throw error;
  }
  return {
    async known(person) {
      // By exact name: a folder name that happens to be another identity's external id is not that identity.
      const found = gallery.list().find((i) => i.name === person);
      return new Set(found ? gallery.faceIds(found.id).flatMap((f) => (f.sha256 ? [f.sha256] : [])) : []);
    },
    async enrol(person, photo, _bytes, sha256) {
      const image = await engine.analyse(photo);
      const problem = enrolmentProblem(photo, image.faces);
      if (problem) throw problem;
      const embedded = await engine.embedFace(image, image.faces[0] as DetectedFace);
      gallery.enroll(person, [{ ...embedded, source: photo, sha256 }]);
    },
    async close() {
      gallery.close();
      await engine.close();
    },
  };
}

const MAX_RATE_LIMIT_WAITS = 30;

/** Calls the gateway, waiting out its rate limit (a bulk run makes one request per photo). */
async function politeCall(target: RemoteTarget, method: string, path: string, body?: () => unknown): Promise<unknown> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call(target, method, path, body?.());
    } catch (error) {
      if (!isVigilError(error) || error.code !== 'VIGIL_ERR_RATE_LIMITED' || attempt >= MAX_RATE_LIMIT_WAITS) throw error;
      const seconds = typeof error.details.retryAfterS === 'number' ? error.details.retryAfterS : 1;
      await sleep(Math.min(Math.max(seconds, 0.1), 60) * 1000);
    }
  }
}

interface RemoteIdentity {
  readonly id: string;
  readonly name: string;
}

/**
 * A running gateway through its API: each photo is one upload (POST /v1/identities for a new
 * person, POST /v1/identities/{id}/faces after), the gateway runs the same enrolment checks and
 * records each photo's sha256, which `known()` reads back from GET /v1/identities/{id}/faces.
 */
export function remoteEnroller(target: RemoteTarget): Enroller {
  const ids = new Map<string, string>();
  const path = (ref: string): string => `/v1/identities/${encodeURIComponent(ref)}`;
  const find = async (person: string): Promise<RemoteIdentity | null> => {
    try {
      const found = (await politeCall(target, 'GET', path(person))) as RemoteIdentity;
      return found.name === person ? found : null;
    } catch (error) {
      if (isVigilError(error) && error.code === 'VIGIL_ERR_IDENTITY_NOT_FOUND') return null;
      throw error;
    }
  };
  const upload = (fields: Record<string, string>, photo: string, bytes: Buffer) => (): FormData => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    form.append('image', new Blob([bytes]), basename(photo));
    return form;
  };
  const addFace = async (id: string, photo: string, bytes: Buffer): Promise<void> => {
    await politeCall(target, 'POST', `${path(id)}/faces`, upload({}, photo, bytes));
  };
  return {
    async known(person) {
      const found = await find(person);
      if (!found) return new Set();
      ids.set(person, found.id);
      const faces = (await politeCall(target, 'GET', `${path(found.id)}/faces`)) as { sha256?: string | null }[];
      return new Set(faces.flatMap((f) => (f.sha256 ? [f.sha256] : [])));
    },
    async enrol(person, photo, bytes) {
      const id = ids.get(person);
      if (id !== undefined) return addFace(id, photo, bytes);
      try {
        const created = (await politeCall(target, 'POST', '/v1/identities', upload({ name: person }, photo, bytes))) as RemoteIdentity;
        ids.set(person, created.id);
      } catch (error) {
        // Created by someone else meanwhile: add to it.
        if (!isVigilError(error) || error.code !== 'VIGIL_ERR_IDENTITY_EXISTS') throw error;
        const found = await find(person);
        if (!found) throw error;
        ids.set(person, found.id);
        await addFace(found.id, photo, bytes);
      }
    },
    async close() {},
  };
}
