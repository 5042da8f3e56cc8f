import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { EXIT_CODES_HELP } from './exit-codes';

/** The package's version (dist/src/cli/ -> the repository's package.json). */
export const VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

/** Where commander writes help and errors (the process's streams, or a test's buffers). */
export interface CliOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** What an action reports back to `runCli`: its exit code, and which command ran (for error lines). */
export interface CliState {
  code: number;
  command: string;
}

export type Action = (...args: never[]) => Promise<number> | number;

const ENVIRONMENT_HELP = `Environment:
  VIGIL_CONFIG      streams file (default streams.yaml)
  VIGIL_PORT        HTTP and WebSocket port (default 8080)
  VIGIL_HOST        address to bind (default 127.0.0.1)
  VIGIL_DATA_DIR    data directory (default ./data): gallery.db, control.db, snapshots
  KAFKA_BROKERS     host:port,... (Kafka is on only when set); VIGIL_KAFKA_TOPIC
  LOG_LEVEL         fatal error warn info debug trace silent (serve: info; tools: warn)
  LOG_FORMAT        json or pretty (unset: pretty on a terminal, JSON otherwise)
  FFMPEG_PATH       ffmpeg to use instead of the bundled one
  VIGIL_TOKENS, VIGIL_TOKENS_FILE   access tokens of the gateway (role:token,...)
  VIGIL_URL, VIGIL_TOKEN            the gateway and token the CLI's remote commands use
See README.md for the details.`;

/**
 * The root command. Every command and subcommand is made with `sub()`, so each has its own help,
 * typo suggestions and the same output and exit handling (commander copies these settings to the
 * commands made from a parent).
 */
export function rootCommand(output: CliOutput): Command {
  const program = new Command('vigil')
    .description('Vigil: real-time video-stream analytics gateway (cameras in, face events out) and its tools.')
    .version(VERSION, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'print help for this command and exit')
    .helpCommand('help [command]', 'print help for a command')
    .configureOutput({ writeOut: output.out, writeErr: output.err })
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n\n${ENVIRONMENT_HELP}\n`);
  return program;
}

/**
 * A subcommand of `parent` with the shared settings and help text. `--version` is the root's
 * option, which commander recognises after any subcommand too (`vigil enroll --version`), and
 * which every command's help lists under "Global Options".
 */
export function sub(parent: Command, nameAndArgs: string, description: string): Command {
  return parent.command(nameAndArgs).description(description).helpOption('-h, --help', 'print help for this command and exit');
}

/** Runs `action` and records its exit code in `state`; commander passes the arguments, the options and the command. */
export function run(state: CliState, action: (...args: never[]) => Promise<number> | number): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    state.command = commandPath(command);
    state.code = await (action as (...a: unknown[]) => Promise<number> | number)(...args);
  };
}

/** "identities list" for the `list` subcommand of `identities`. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
