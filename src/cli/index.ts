import { CommanderError } from 'commander';
import { isVigilError } from '../errors';
import { registerCameras } from './commands/cameras';
import { registerCompare } from './commands/compare';
import { registerConfig } from './commands/config';
import { registerDetect } from './commands/detect';
import { registerEnroll } from './commands/enroll';
import { registerEvents } from './commands/events';
import { registerIdentities } from './commands/identities';
import { registerNotPerson } from './commands/not-person';
import { registerServe } from './commands/serve';
import { EXIT, UsageError } from './exit-codes';
import { rootCommand, type CliOutput, type CliState } from './program';

export { EXIT } from './exit-codes';

/** Configuration problems are usage errors (exit 2), as they are for `serve`: nothing was done. */
/** Errors that mean nothing was done (exit 2): the configuration, or a file the command line names. */
const CONFIG_CODES = new Set(['VIGIL_ERR_CONFIG_INVALID', 'VIGIL_ERR_CONFIG_NOT_FOUND', 'VIGIL_ERR_FILE_UNREADABLE']);

const processOutput: CliOutput = { out: (text) => void process.stdout.write(text), err: (text) => void process.stderr.write(text) };

/** Runs one command line (without `node vigil`) and resolves with its exit code. */
export async function runCli(argv: readonly string[], output: CliOutput = processOutput): Promise<number> {
  const state: CliState = { code: EXIT.OK, command: '' };
  const program = rootCommand(output);
  registerServe(program, state);
  registerDetect(program, state);
  registerEnroll(program, state);
  registerIdentities(program, state);
  registerCameras(program, state);
  registerNotPerson(program, state);
  registerCompare(program, state);
  registerEvents(program, state);
  registerConfig(program, state);
  // commander's `help` takes its exit code from process.exitCode; start it from a clean slate so
  // that `vigil help` is 0 and a missing subcommand is an error, whatever ran before in-process.
  const previousExitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return state.code;
  } catch (error) {
    // Help and --version end the parse with exit code 0; anything else commander says is usage.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    const prefix = `vigil${state.command ? ` ${state.command}` : ''}`;
    if (error instanceof UsageError) {
      output.err(`${prefix}: ${error.message}${error.code ? ` [${error.code}]` : ''}\n(run "vigil ${state.command} --help" for usage)\n`);
      return EXIT.USAGE;
    }
    const message = isVigilError(error) ? `${error.message} [${error.code}]` : error instanceof Error ? error.message : String(error);
    output.err(`${prefix}: ${message}\n`);
    return isVigilError(error) && CONFIG_CODES.has(error.code) ? EXIT.USAGE : EXIT.FAILURE;
  } finally {
    if (process.exitCode === undefined) process.exitCode = previousExitCode;
  }
}

export async function main(argv: string[]): Promise<void> {
  process.exitCode = await runCli(argv);
}
