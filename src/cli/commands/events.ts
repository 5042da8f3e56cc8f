import type { Command } from 'commander';
import { remoteTarget } from '../remote';
import { run, sub, type CliState } from '../program';

// Loaded when the command runs, so that `vigil --help` does not load the gateway's modules.
const events = (): typeof import('../events') => require('../events') as typeof import('../events');

interface EventsOptions {
  url?: string;
  token?: string;
  json?: boolean;
  camera?: string;
  type?: string;
}

export function registerEvents(program: Command, state: CliState): void {
  sub(program, 'events', 'print a running gateway\'s events as they arrive, until Ctrl-C')
    .option('--url <url>', 'the gateway\'s http(s) URL or a ws(s):// events URL (default VIGIL_URL, else http://VIGIL_HOST:VIGIL_PORT)')
    .option('--token <token>', 'access token (default VIGIL_TOKEN)')
    .option('--camera <ids>', 'only these cameras (comma-separated)')
    .option('--type <types>', 'only these event types (comma-separated; vigil.face.* matches a prefix)')
    .option('--json', 'print the raw CloudEvents, one JSON object a line')
    .addHelpText('after', '\nExit code 0 when the gateway closes the connection normally (or on Ctrl-C), 1 otherwise.')
    .action(
      run(state, async (options: EventsOptions) => {
        const target = remoteTarget({ url: options.url, token: options.token }, process.env);
        // An http(s) gateway URL or a ws(s) events URL: both lead to /v1/events.
        const url = new URL(/^wss?:/.test(target.url) ? target.url : `${target.url.replace(/^http/, 'ws')}/v1/events`);
        if (options.camera) url.searchParams.set('camera', options.camera);
        if (options.type) url.searchParams.set('type', options.type);
        return events().tailEvents(url.toString(), options.json ?? false, target.token);
      }),
    );
}
