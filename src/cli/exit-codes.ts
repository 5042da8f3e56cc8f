/**
 * The CLI's exit codes, one table for every command (also printed by `vigil --help`). `serve`
 * has used 0-3 from the start; the other commands share the same meanings.
 */
export const EXIT = {
  /** Done; nothing refused. */
  OK: 0,
  /** The command ran and something failed: a photo refused, an API error, an unreachable gateway. */
  FAILURE: 1,
  /** Usage or configuration error: unknown command or option, missing argument, invalid streams file. Nothing was done. */
  USAGE: 2,
  /** `serve` only: the gateway could not start (for example a model whose hash does not match). */
  STARTUP: 3,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  done (for enroll: nothing refused)
  1  the command ran and something failed: a photo refused, an API error, the
     gateway unreachable, a crash of serve
  2  usage or configuration error (unknown command or option, missing argument,
     invalid streams file or environment); nothing was done
  3  serve only: start-up failure (for example a model whose hash does not match)`;

/** A command line that cannot be run as given (exit 2), said in words, with its catalog code when it has one. */
export class UsageError extends Error {
  readonly code: string | undefined;

  constructor(message: string, code?: string) {
    super(message);
    this.name = 'UsageError';
    this.code = code;
  }
}
