import { parseArgs } from 'node:util';
import { call, printer, remoteTarget } from './remote';

interface CameraLine {
  id: string;
  name: string | null;
  url: string;
  origin?: string;
  enabled: boolean;
  state: string;
  stateReason: string | null;
  framesAnalyzed: number;
}

function line(c: CameraLine): string {
  return `${c.id}\t${c.origin ?? '?'}\t${c.enabled ? c.state : 'disabled'}\t${c.url}${c.name ? `\t${c.name}` : ''}${c.stateReason ? `\t(${c.stateReason})` : ''}`;
}

const USAGE = `vigil cameras list | get ID | add ID URL [--name N] [--fps N] [--width W --height H] [--disabled]
                [--rtsp-transport tcp|udp] [--username U] [--password-env VAR] | rm ID | enable ID | disable ID
  common: --url GATEWAY_URL (or VIGIL_URL), --token TOKEN (or VIGIL_TOKEN), --json`;

/**
 * `vigil cameras ...`: the camera API of a running gateway. Passwords are read from an environment
 * variable (--password-env), never from the command line, where `ps` would show them.
 */
export async function camerasCommand(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string' }, token: { type: 'string' }, json: { type: 'boolean', default: false },
      name: { type: 'string' }, fps: { type: 'string' }, width: { type: 'string' }, height: { type: 'string' },
      disabled: { type: 'boolean', default: false }, 'rtsp-transport': { type: 'string' }, username: { type: 'string' }, 'password-env': { type: 'string' },
    },
  });
  const target = remoteTarget(values, process.env);
  const [action, id, url] = positionals;
  const print = printer(out, values.json);
  const path = (cameraId: string): string => `/v1/cameras/${encodeURIComponent(cameraId)}`;
  switch (action) {
    case 'list': {
      const cameras = (await call(target, 'GET', '/v1/cameras')) as CameraLine[];
      print(cameras, () => cameras.map(line).join('\n') || '(no cameras)');
      return 0;
    }
    case 'get':
      if (!id) break;
      {
        const camera = (await call(target, 'GET', path(id))) as CameraLine;
        print(camera, () => line(camera));
      }
      return 0;
    case 'add': {
      if (!id || !url) break;
      const body: Record<string, unknown> = { id, url, enabled: !values.disabled };
      if (values.name !== undefined) body.name = values.name;
      for (const key of ['fps', 'width', 'height'] as const) if (values[key] !== undefined) body[key] = Number(values[key]);
      if (values['rtsp-transport'] !== undefined) body.rtspTransport = values['rtsp-transport'];
      if (values.username !== undefined) body.username = values.username;
      if (values['password-env'] !== undefined) body.password = process.env[values['password-env']] ?? '';
      const camera = (await call(target, 'POST', '/v1/cameras', body)) as CameraLine;
      print(camera, () => `added ${line(camera)}`);
      return 0;
    }
    case 'rm':
    case 'remove':
      if (!id) break;
      await call(target, 'DELETE', path(id));
      print({ removed: id }, () => `removed ${id}`);
      return 0;
    case 'enable':
    case 'disable':
      if (!id) break;
      {
        const camera = (await call(target, 'PATCH', path(id), { enabled: action === 'enable' })) as CameraLine;
        print(camera, () => `${action}d ${line(camera)}`);
      }
      return 0;
    default:
      break;
  }
  process.stderr.write(`usage: ${USAGE}\n`);
  return 2;
}
