import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { VigilError, isVigilError, type ErrorCode } from '../errors';
import { UsageError } from './exit-codes';

/** Photos are recognised by extension; anything else in a person's folder is listed as ignored. */
const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif', '.heic', '.heif']);

/**
 * Refusals that belong to one photo: the run goes on with the next. Anything else (gateway
 * unreachable, token refused, gallery unavailable) stops the run.
 */
const PHOTO_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'VIGIL_ERR_ENROLL_NO_FACE',
  'VIGIL_ERR_ENROLL_MULTIPLE_FACES',
  'VIGIL_ERR_ENROLL_FACE_TOO_SMALL',
  'VIGIL_ERR_ENROLL_FACE_BLURRY',
  'VIGIL_ERR_IMAGE_UNREADABLE',
  'VIGIL_ERR_IMAGE_TYPE',
  'VIGIL_ERR_PAYLOAD_TOO_LARGE',
]);

export interface Person {
  /** The folder's name, which is the identity's name. */
  readonly name: string;
  /** Photo paths (the folder given, joined with the person's folder and the file), sorted. */
  readonly photos: readonly string[];
}

export interface BulkPlan {
  readonly people: readonly Person[];
  readonly ignored: readonly { readonly path: string; readonly reason: string }[];
}

/** Reads PEOPLE/: one folder per person (hidden entries skipped), photos by extension. */
export function planBulk(root: string): BulkPlan {
  let entries;
  try {
    if (!statSync(root).isDirectory()) throw new Error('not a folder');
    entries = readdirSync(root, { withFileTypes: true });
  } catch (error) {
    throw new UsageError(`--dir ${root}: not a readable folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const people: Person[] = [];
  const ignored: { path: string; reason: string }[] = [];
  for (const entry of entries.filter((e) => !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) {
      ignored.push({ path: entry.name, reason: 'not in a person folder' });
      continue;
    }
    const name = entry.name.trim();
    if (name.length === 0 || name.length > 200) {
      ignored.push({ path: entry.name, reason: 'a name must be 1-200 characters' });
      continue;
    }
    const photos: string[] = [];
    for (const file of readdirSync(join(root, entry.name), { withFileTypes: true }).filter((f) => !f.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
      const relative = `${entry.name}/${file.name}`;
      if (!file.isFile() && !file.isSymbolicLink()) ignored.push({ path: relative, reason: 'not a file' });
      else if (!PHOTO_EXTENSIONS.has(extname(file.name).toLowerCase())) ignored.push({ path: relative, reason: 'not a photo by its name' });
      else photos.push(join(root, entry.name, file.name));
    }
    people.push({ name, photos });
  }
  return { people, ignored };
}

/** Where photos go: the local gallery or a running gateway. */
export interface Enroller {
  /** sha256 of the photos already enrolled for this person (empty when the person is new). */
  known(person: string): Promise<ReadonlySet<string>>;
  /** Enrols one photo; an enrolment refusal is thrown as a VigilError. */
  enrol(person: string, photo: string, bytes: Buffer, sha256: string): Promise<void>;
  close(): Promise<void>;
}

export interface PhotoRef {
  readonly person: string;
  readonly image: string;
}

export interface BulkReport {
  readonly people: number;
  readonly enrolled: PhotoRef[];
  /** Already enrolled for that person (same sha256): nothing done. */
  readonly skipped: PhotoRef[];
  readonly refused: (PhotoRef & { readonly code: string; readonly message: string })[];
  readonly ignored: { readonly path: string; readonly reason: string }[];
}

/**
 * Enrols every photo of every person, one photo at a time, so that a refused photo costs only
 * itself and an interrupted run keeps what it did. Safe to run again: a photo whose sha256 is
 * among the person's enrolled faces is skipped. `onProgress` after each photo.
 */
export async function runBulk(plan: BulkPlan, enroller: Enroller, onProgress: (done: number, label: string) => void = () => {}): Promise<BulkReport> {
  const report: BulkReport = { people: plan.people.length, enrolled: [], skipped: [], refused: [], ignored: [...plan.ignored] };
  let done = 0;
  for (const person of plan.people) {
    const known = new Set(await enroller.known(person.name));
    for (const photo of person.photos) {
      const ref = { person: person.name, image: photo };
      onProgress(done, photo);
      try {
        const bytes = readFileSync(photo);
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        if (known.has(sha256)) report.skipped.push(ref);
        else {
          await enroller.enrol(person.name, photo, bytes, sha256);
          known.add(sha256);
          report.enrolled.push(ref);
        }
      } catch (error) {
        const refusal = asRefusal(error, photo);
        if (!refusal) throw error;
        report.refused.push({ ...ref, code: refusal.code, message: refusal.message });
      }
      done += 1;
    }
  }
  onProgress(done, '');
  return report;
}

function asRefusal(error: unknown, photo: string): VigilError | null {
  if (isVigilError(error)) return PHOTO_REFUSALS.has(error.code) ? error : null;
  const code = (error as NodeJS.ErrnoException).code;
  // A photo that vanished or cannot be read between listing and reading is that photo's problem.
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return new VigilError('VIGIL_ERR_IMAGE_UNREADABLE', `${photo}: cannot read (${code})`);
  return null;
}

/** The summary people read: counts, then every refused photo with its code and reason, then what was ignored. */
export function formatReport(report: BulkReport): string {
  const lines = [
    `${report.people} ${report.people === 1 ? 'person' : 'people'}: ${report.enrolled.length} photo(s) enrolled, ${report.skipped.length} already enrolled (skipped), ${report.refused.length} refused, ${report.ignored.length} ignored`,
  ];
  for (const r of report.refused) lines.push(`refused  ${r.image}  [${r.code}] ${r.message}`);
  for (const i of report.ignored) lines.push(`ignored  ${i.path}  (${i.reason})`);
  return lines.join('\n');
}
