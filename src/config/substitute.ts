/**
 * `${VAR}` substitution in one configuration value: the pure part, table-tested.
 *
 *   ${VAR}            the variable's value ("" when set but empty)
 *   ${VAR:-default}   the default when VAR is unset or empty (the default is literal text, no `}`)
 *   $$                a literal "$" (so "$${VAR}" is the text "${VAR}")
 *   $ otherwise       itself ("pa$word" stays as written)
 *
 * Errors name the variable and never its value: values are often passwords.
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why a value could not be expanded; `variable` is set when one is to blame. */
export class SubstitutionError extends Error {
  readonly variable: string | undefined;

  constructor(message: string, variable?: string) {
    super(message);
    this.name = 'SubstitutionError';
    this.variable = variable;
  }
}

export interface Expansion {
  readonly value: string;
  /** Variables the value referred to, in order (for reporting, never their values). */
  readonly variables: readonly string[];
  /** The whole value was one `${...}` reference (a plain YAML scalar may then be a number or boolean). */
  readonly whole: boolean;
}

/**
 * Expands the references in `text`. `lookup` gives a variable's value or undefined when it is
 * unset; an unset variable without a default is an error.
 */
export function expand(text: string, lookup: (name: string) => string | undefined): Expansion {
  if (!text.includes('$')) return { value: text, variables: [], whole: false };
  let out = '';
  const variables: string[] = [];
  let references = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c !== '$') {
      out += c;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next !== '{') {
      out += '$';
      i += 1;
      continue;
    }
    const close = text.indexOf('}', i + 2);
    if (close < 0) throw new SubstitutionError('"${" without a closing "}" (write "$$" for a literal "$")');
    const body = text.slice(i + 2, close);
    const sep = body.indexOf(':-');
    const name = sep < 0 ? body : body.slice(0, sep);
    if (!NAME.test(name)) throw new SubstitutionError(`"\${${body}}" is not a reference: use \${NAME} or \${NAME:-default}, NAME of letters, digits and "_" (write "$$" for a literal "$")`);
    if (body.includes('${')) throw new SubstitutionError(`nested references are not supported in a default (in \${${name}:-...})`, name);
    const value = lookup(name);
    variables.push(name);
    references += 1;
    if (sep >= 0) out += value === undefined || value === '' ? body.slice(sep + 2) : value;
    else if (value === undefined) throw new SubstitutionError(`environment variable ${name} is not set (and neither is ${name}_FILE); give it a value, or a default with \${${name}:-default}`, name);
    else out += value;
    i = close + 1;
  }
  const whole = references === 1 && /^\$\{[^}]*\}$/.test(text);
  return { value: out, variables, whole };
}

/**
 * A plain (unquoted) YAML value that was exactly one reference is typed as YAML would type the
 * text: `fps: ${FPS}` with FPS=10 is the number 10. Quoted values always stay strings.
 */
export function typedValue(text: string): string | number | boolean {
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  return text;
}
