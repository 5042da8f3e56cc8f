import { parseArgs } from 'node:util';
import { call, imageForm, printer, remoteTarget } from './remote';

interface IdentityLine {
  id: string;
  name: string;
  externalId: string | null;
  faces: number;
  negatives?: number;
}

const line = (i: IdentityLine): string => `${i.name}\t${i.id}\tfaces=${i.faces}\tnegatives=${i.negatives ?? 0}${i.externalId ? `\texternal=${i.externalId}` : ''}`;

/**
 * `vigil identities ...` against a running gateway (when --url or VIGIL_URL is given): list, get,
 * add (images uploaded as multipart), rename, remove, add-face, remove-face, not-person.
 */
export async function remoteIdentities(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string' }, token: { type: 'string' }, json: { type: 'boolean', default: false },
      name: { type: 'string' }, 'external-id': { type: 'string' }, metadata: { type: 'string' }, track: { type: 'string' }, image: { type: 'string' },
    },
  });
  const target = remoteTarget(values, process.env);
  const [action, ref, ...rest] = positionals;
  const print = printer(out, values.json);
  const path = (id: string): string => `/v1/identities/${encodeURIComponent(id)}`;
  const face = (): FormData | { fromTrack: string } => (values.track !== undefined ? { fromTrack: values.track } : imageForm({}, values.image !== undefined ? [values.image] : rest));
  switch (action) {
    case 'list': {
      const list = (await call(target, 'GET', '/v1/identities')) as IdentityLine[];
      print(list, () => list.map(line).join('\n') || '(no identities)');
      return 0;
    }
    case 'get':
      if (!ref) break;
      {
        const identity = (await call(target, 'GET', path(ref))) as IdentityLine;
        print(identity, () => line(identity));
      }
      return 0;
    case 'add': {
      const name = values.name ?? ref;
      if (!name) break;
      const images = values.name === undefined ? rest : positionals.slice(1);
      const fields = { name, externalId: values['external-id'], metadata: values.metadata, fromTrack: values.track };
      const identity = (await call(target, 'POST', '/v1/identities', imageForm(fields, images))) as IdentityLine;
      print(identity, () => `enrolled ${line(identity)}`);
      return 0;
    }
    case 'rename':
      if (!ref || !values.name) break;
      {
        const identity = (await call(target, 'PATCH', path(ref), { name: values.name })) as IdentityLine;
        print(identity, () => line(identity));
      }
      return 0;
    case 'remove':
    case 'rm':
      if (!ref) break;
      await call(target, 'DELETE', path(ref));
      print({ removed: ref }, () => `removed ${ref}`);
      return 0;
    case 'add-face':
      if (!ref || (values.track === undefined && values.image === undefined && rest.length !== 1)) break;
      print(await call(target, 'POST', `${path(ref)}/faces`, face()), () => `face added to ${ref}`);
      return 0;
    case 'remove-face':
      if (!ref || rest.length !== 1) break;
      await call(target, 'DELETE', `${path(ref)}/faces/${encodeURIComponent(rest[0] as string)}`);
      print({ removed: rest[0] }, () => `face ${rest[0] as string} removed from ${ref}`);
      return 0;
    case 'not-person':
      if (!ref || (values.track === undefined && values.image === undefined)) break;
      print(await call(target, 'POST', `${path(ref)}/negatives`, face()), () => `negative example stored for ${ref}`);
      return 0;
    default:
      break;
  }
  process.stderr.write(
    'usage (remote, with --url or VIGIL_URL): vigil identities list | get ID | add --name NAME [--external-id ID] [--metadata JSON] IMAGE... |\n' +
      '  rename ID --name NAME | remove ID | add-face ID (IMAGE | --track TRACK) | remove-face ID FACE_ID | not-person ID (--image IMAGE | --track TRACK)\n',
  );
  return 2;
}
