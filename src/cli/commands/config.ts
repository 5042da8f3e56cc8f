import type { Command } from 'commander';
import { EXIT } from '../exit-codes';
import { run, sub, type CliState } from '../program';

// Loaded when the command runs, so that `vigil --help` does not load the gateway's modules.
const check = (): typeof import('../config-check') => require('../config-check') as typeof import('../config-check');

export function registerConfig(program: Command, state: CliState): void {
  const config = sub(program, 'config', 'the streams file: check it before the gateway reads it');
  sub(config, 'check', 'validate a streams file and print what the gateway would run, without starting anything')
    .argument('[file]', 'the streams file (default VIGIL_CONFIG, else streams.yaml)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Loads the file exactly as \`vigil serve\` does (the same schema, \${VAR} substitution from the
environment and VAR_FILE secret files, and the environment variables), then prints the cameras
with their URLs redacted, the settings that differ from the defaults and the environment in use.
No camera, model, database or port is touched.
Exit codes: 0 valid; 2 invalid (the error names the field, or the variable) or a camera URL the
gateway would refuse.`,
    )
    .action(
      run(state, async (file: string | undefined, options: { json?: boolean }) => {
        const environment = file === undefined ? process.env : { ...process.env, VIGIL_CONFIG: file };
        const { checkConfig, formatCheck, loadConfig } = check();
        const report = checkConfig(loadConfig(environment, process.cwd()));
        process.stdout.write(`${options.json ? JSON.stringify(report) : formatCheck(report)}\n`);
        return report.cameras.some((c) => c.problem) ? EXIT.USAGE : EXIT.OK;
      }),
    );
}
