/**
 * Loaded when a command runs, not when the CLI starts: `vigil --help` should answer at once,
 * without loading the config schema, pino, the models' pool or SQLite.
 */
export const tools = (): typeof import('./tool-context') => require('./tool-context') as typeof import('./tool-context');
export const gallery = (): typeof import('./gallery-commands') => require('./gallery-commands') as typeof import('./gallery-commands');
