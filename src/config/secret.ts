import { inspect } from 'node:util';

/**
 * A secret from the configuration (a webhook signing secret, a broker password) that cannot leak:
 * `toString()`, `toJSON()` and `util.inspect` give "***", so a config object can be logged,
 * compared or shown by the API without anyone having to remember to redact it. Only the code that
 * signs or connects asks for the value, through `reveal()`.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '***';
  }

  toJSON(): string {
    return '***';
  }

  [inspect.custom](): string {
    return 'Secret(***)';
  }
}
