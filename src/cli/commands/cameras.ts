import type { Command } from 'commander';
import { call, printer, remoteTarget, type RemoteTarget } from '../remote';
import { run, sub, type CliState } from '../program';

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

interface RemoteOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

interface AddOptions {
  name?: string;
  fps?: string;
  width?: string;
  height?: string;
  disabled?: boolean;
  rtspTransport?: string;
  username?: string;
  passwordEnv?: string;
}

function line(c: CameraLine): string {
  return `${c.id}\t${c.origin ?? '?'}\t${c.enabled ? c.state : 'disabled'}\t${c.url}${c.name ? `\t${c.name}` : ''}${c.stateReason ? `\t(${c.stateReason})` : ''}`;
}

const path = (cameraId: string): string => `/v1/cameras/${encodeURIComponent(cameraId)}`;

/** The group's --url/--token/--json, given before or after the subcommand. */
function context(command: Command): { target: RemoteTarget; print: ReturnType<typeof printer> } {
  const options = command.optsWithGlobals<RemoteOptions>();
  return { target: remoteTarget(options, process.env), print: printer(process.stdout, options.json) };
}

/**
 * `vigil cameras ...`: the camera API of a running gateway. Passwords are read from an environment
 * variable (--password-env), never from the command line, where `ps` would show them.
 */
export function registerCameras(program: Command, state: CliState): void {
  const cameras = sub(program, 'cameras', 'a running gateway\'s cameras: list, get, add, rm, enable, disable')
    .option('--url <url>', 'the gateway (default VIGIL_URL, else http://VIGIL_HOST:VIGIL_PORT)')
    .option('--token <token>', 'access token (default VIGIL_TOKEN)')
    .option('--json', 'print the API\'s JSON answers')
    .addHelpText('after', '\nAPI errors print their VIGIL_ERR_* code and exit 1.');

  sub(cameras, 'list', 'every camera with its origin, state and redacted URL').action(
    run(state, async (_options: unknown, command: Command) => {
      const { target, print } = context(command);
      const list = (await call(target, 'GET', '/v1/cameras')) as CameraLine[];
      print(list, () => list.map(line).join('\n') || '(no cameras)');
      return 0;
    }),
  );

  sub(cameras, 'get', 'one camera')
    .argument('<id>', 'camera id')
    .action(
      run(state, async (id: string, _options: unknown, command: Command) => {
        const { target, print } = context(command);
        const camera = (await call(target, 'GET', path(id))) as CameraLine;
        print(camera, () => line(camera));
        return 0;
      }),
    );

  sub(cameras, 'add', 'add a camera through the API (stored in control.db, started at once)')
    .argument('<id>', 'camera id: letters, digits, _ . -')
    .argument('<cameraUrl>', 'rtsp://, rtsps://, rtmp://, rtmps://, http(s):// URL (credentials: --username/--password-env)')
    .option('--name <name>', 'display name')
    .option('--fps <n>', 'analysis rate (default 5)')
    .option('--width <w>', 'analysis frame width (default 640)')
    .option('--height <h>', 'analysis frame height (default 360)')
    .option('--disabled', 'store it without starting it')
    .option('--rtsp-transport <tcp|udp>', 'RTSP transport (default tcp)')
    .option('--username <user>', 'camera user name')
    .option('--password-env <VAR>', 'read the camera password from this environment variable (never give it on the command line)')
    .action(
      run(state, async (id: string, url: string, options: AddOptions, command: Command) => {
        const { target, print } = context(command);
        const body: Record<string, unknown> = { id, url, enabled: !options.disabled };
        if (options.name !== undefined) body.name = options.name;
        for (const key of ['fps', 'width', 'height'] as const) if (options[key] !== undefined) body[key] = Number(options[key]);
        if (options.rtspTransport !== undefined) body.rtspTransport = options.rtspTransport;
        if (options.username !== undefined) body.username = options.username;
        if (options.passwordEnv !== undefined) body.password = process.env[options.passwordEnv] ?? '';
        const camera = (await call(target, 'POST', '/v1/cameras', body)) as CameraLine;
        print(camera, () => `added ${line(camera)}`);
        return 0;
      }),
    );

  sub(cameras, 'rm', 'remove an API camera (its decoder stops)')
    .alias('remove')
    .argument('<id>', 'camera id')
    .action(
      run(state, async (id: string, _options: unknown, command: Command) => {
        const { target, print } = context(command);
        await call(target, 'DELETE', path(id));
        print({ removed: id }, () => `removed ${id}`);
        return 0;
      }),
    );

  for (const action of ['enable', 'disable'] as const) {
    sub(cameras, action, `${action} an API camera`)
      .argument('<id>', 'camera id')
      .action(
        run(state, async (id: string, _options: unknown, command: Command) => {
          const { target, print } = context(command);
          const camera = (await call(target, 'PATCH', path(id), { enabled: action === 'enable' })) as CameraLine;
          print(camera, () => `${action}d ${line(camera)}`);
          return 0;
        }),
      );
  }
}
