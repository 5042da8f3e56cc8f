import type { Command } from 'commander';
import { run, sub, type CliState } from '../program';

// Loaded when the command runs, so that `vigil --help` does not load the gateway's modules.
const main = (): typeof import('../../main') => require('../../main') as typeof import('../../main');

export function registerServe(program: Command, state: CliState): void {
  sub(program, 'serve', 'run the gateway (what `npm start` runs) until SIGINT or SIGTERM')
    .addHelpText(
      'after',
      `
Reads the streams file (VIGIL_CONFIG), starts the cameras, the models and the HTTP API, and runs
until stopped; SIGHUP re-reads the streams file. Exit codes: 0 clean stop, 1 crash, 2 invalid
streams file or environment (nothing started), 3 start-up failure. \`vigil config check\` validates
a streams file without starting anything.`,
    )
    .action(
      run(state, async () => {
        await main().serve();
        return 0;
      }),
    );
}
