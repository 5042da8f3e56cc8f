import type { Command } from 'commander';
import { UsageError } from '../exit-codes';
import { call, imageForm, isRemote, printer, remoteTarget, type RemoteTarget } from '../remote';
import { run, sub, type CliState } from '../program';
import { gallery, tools } from '../tools';

interface IdentityLine {
  id: string;
  name: string;
  externalId: string | null;
  faces: number;
  negatives?: number;
}

interface RemoteOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

const line = (i: IdentityLine): string => `${i.name}\t${i.id}\tfaces=${i.faces}\tnegatives=${i.negatives ?? 0}${i.externalId ? `\texternal=${i.externalId}` : ''}`;
const path = (id: string): string => `/v1/identities/${encodeURIComponent(id)}`;

interface Context {
  readonly remote: boolean;
  readonly target: RemoteTarget;
  readonly json: boolean;
  readonly print: ReturnType<typeof printer>;
}

function context(command: Command): Context {
  const options = command.optsWithGlobals<RemoteOptions>();
  return { remote: isRemote(options, process.env), target: remoteTarget(options, process.env), json: options.json ?? false, print: printer(process.stdout, options.json) };
}

/** A subcommand that only exists against a gateway. */
function remoteOnly(command: Command): Context {
  const c = context(command);
  if (!c.remote) throw new UsageError(`"${command.name()}" works against a running gateway: give --url URL or set VIGIL_URL (the local gallery has only list and remove)`);
  return c;
}

/** One face: --track, --image, or the one IMAGE argument. */
function face(options: { image?: string; track?: string }, images: readonly string[]): FormData | { fromTrack: string } {
  if (options.track !== undefined) return { fromTrack: options.track };
  return imageForm({}, options.image !== undefined ? [options.image] : images);
}

/**
 * `vigil identities ...`: on the local gallery file (list, remove), or, with --url or VIGIL_URL,
 * against a running gateway's API (list, get, add, rename, remove, add-face, remove-face, not-person).
 */
export function registerIdentities(program: Command, state: CliState): void {
  const identities = sub(program, 'identities', 'the gallery\'s identities: local gallery.db, or a running gateway with --url / VIGIL_URL')
    .option('--url <url>', 'talk to this gateway instead of the local gallery (default VIGIL_URL; unset: local)')
    .option('--token <token>', 'access token (default VIGIL_TOKEN)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nLocal (VIGIL_DATA_DIR/gallery.db): list, remove. With --url or VIGIL_URL: every subcommand.');

  sub(identities, 'list', 'every identity with its number of faces and negatives').action(
    run(state, async (_options: unknown, command: Command) => {
      const c = context(command);
      if (c.remote) {
        const list = (await call(c.target, 'GET', '/v1/identities')) as IdentityLine[];
        c.print(list, () => list.map(line).join('\n') || '(no identities)');
        return 0;
      }
      const list = gallery().listIdentities(tools().configForTools()) as { id: string; name: string; faces: number; negatives: number }[];
      if (c.json) process.stdout.write(`${JSON.stringify(list)}\n`);
      else for (const i of list) process.stdout.write(`${i.name}\t${i.id}\tfaces=${i.faces}\tnegatives=${i.negatives}\n`);
      return 0;
    }),
  );

  sub(identities, 'get', 'one identity (gateway only)')
    .argument('<id>', 'id, name or external id')
    .action(
      run(state, async (id: string, _options: unknown, command: Command) => {
        const c = remoteOnly(command);
        const identity = (await call(c.target, 'GET', path(id))) as IdentityLine;
        c.print(identity, () => line(identity));
        return 0;
      }),
    );

  sub(identities, 'add', 'create an identity from photos, all or nothing (gateway only; locally: vigil enroll)')
    .argument('[nameAndImages...]', 'photos (with --name), or the name followed by photos')
    .option('--name <name>', 'the person\'s name')
    .option('--external-id <id>', 'your own id for the person')
    .option('--metadata <json>', 'a JSON object kept with the identity')
    .option('--track <trackId>', 'enrol from a recent track instead of (or as well as) photos')
    .action(
      run(state, async (rest: string[], options: { name?: string; externalId?: string; metadata?: string; track?: string }, command: Command) => {
        const c = remoteOnly(command);
        const name = options.name ?? rest[0];
        if (!name) throw new UsageError('give --name NAME (or the name as the first argument)');
        const images = options.name === undefined ? rest.slice(1) : rest;
        const fields = { name, externalId: options.externalId, metadata: options.metadata, fromTrack: options.track };
        const identity = (await call(c.target, 'POST', '/v1/identities', imageForm(fields, images))) as IdentityLine;
        c.print(identity, () => `enrolled ${line(identity)}`);
        return 0;
      }),
    );

  sub(identities, 'rename', 'rename an identity (gateway only)')
    .argument('<id>', 'id, name or external id')
    .requiredOption('--name <name>', 'the new name')
    .action(
      run(state, async (id: string, options: { name: string }, command: Command) => {
        const c = remoteOnly(command);
        const identity = (await call(c.target, 'PATCH', path(id), { name: options.name })) as IdentityLine;
        c.print(identity, () => line(identity));
        return 0;
      }),
    );

  sub(identities, 'remove', 'remove an identity with its faces')
    .alias('rm')
    .argument('<id>', 'id, name or external id')
    .action(
      run(state, async (id: string, _options: unknown, command: Command) => {
        const c = context(command);
        if (c.remote) {
          await call(c.target, 'DELETE', path(id));
          c.print({ removed: id }, () => `removed ${id}`);
          return 0;
        }
        if (gallery().removeIdentity(tools().configForTools(), id)) return 0;
        process.stderr.write(`vigil identities remove: no identity "${id}" [VIGIL_ERR_IDENTITY_NOT_FOUND]\n`);
        return 1;
      }),
    );

  sub(identities, 'add-face', 'enrol one more face for an identity (gateway only)')
    .argument('<id>', 'id, name or external id')
    .argument('[image]', 'the photo (or --image, or --track)')
    .option('--image <file>', 'the photo')
    .option('--track <trackId>', 'a recent track instead of a photo')
    .action(
      run(state, async (id: string, image: string | undefined, options: { image?: string; track?: string }, command: Command) => {
        const c = remoteOnly(command);
        if (options.track === undefined && options.image === undefined && image === undefined) throw new UsageError('give IMAGE, --image IMAGE or --track TRACK');
        c.print(await call(c.target, 'POST', `${path(id)}/faces`, face(options, image === undefined ? [] : [image])), () => `face added to ${id}`);
        return 0;
      }),
    );

  sub(identities, 'remove-face', 'remove one enrolled face (gateway only)')
    .argument('<id>', 'id, name or external id')
    .argument('<faceId>', 'the face id (see the API\'s GET /v1/identities/{id}/faces)')
    .action(
      run(state, async (id: string, faceId: string, _options: unknown, command: Command) => {
        const c = remoteOnly(command);
        await call(c.target, 'DELETE', `${path(id)}/faces/${encodeURIComponent(faceId)}`);
        c.print({ removed: faceId }, () => `face ${faceId} removed from ${id}`);
        return 0;
      }),
    );

  sub(identities, 'not-person', '"not this person": a negative example for an identity (gateway only; locally: vigil not-person)')
    .argument('<id>', 'id, name or external id')
    .argument('[image]', 'a photo of someone else (or --image, or --track)')
    .option('--image <file>', 'the photo')
    .option('--track <trackId>', 'a recent track that was not this person')
    .action(
      run(state, async (id: string, image: string | undefined, options: { image?: string; track?: string }, command: Command) => {
        const c = remoteOnly(command);
        if (options.track === undefined && options.image === undefined && image === undefined) throw new UsageError('give IMAGE, --image IMAGE or --track TRACK');
        c.print(await call(c.target, 'POST', `${path(id)}/negatives`, face(options, image === undefined ? [] : [image])), () => `negative example stored for ${id}`);
        return 0;
      }),
    );
}
