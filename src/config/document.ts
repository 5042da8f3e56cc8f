import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { VigilError } from '../errors';
import { expand, SubstitutionError, typedValue } from './substitute';

/**
 * A variable's value for `${NAME}`: NAME from the environment, or, when NAME is unset and
 * NAME_FILE is set, the content of that file (trailing newlines removed), the convention of
 * Docker and Kubernetes secrets (and of VIGIL_TOKENS_FILE). Setting both is ambiguous and refused.
 */
export function secretLookup(environment: NodeJS.ProcessEnv, cwd: string): (name: string) => string | undefined {
  return (name) => {
    const direct = environment[name];
    const file = environment[`${name}_FILE`];
    if (direct !== undefined && file !== undefined) throw new SubstitutionError(`both ${name} and ${name}_FILE are set; set one`, name);
    if (direct !== undefined) return direct;
    if (file === undefined) return undefined;
    try {
      return readFileSync(resolve(cwd, file), 'utf8').replace(/(\r?\n)+$/, '');
    } catch (error) {
      throw new SubstitutionError(`${name}_FILE names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, name);
    }
  };
}

type PathPart = string | number;

export interface LoadOptions {
  /**
   * Unset variables read as "" instead of being refused. Only for the CLI's photo tools, which
   * use the detection and recognition settings and never the cameras whose passwords a
   * developer's shell does not hold; serve and `config check` always refuse.
   */
  readonly unsetAsEmpty?: boolean;
}

function fieldName(path: readonly PathPart[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${part}`)).join('') || '(root)';
}

/**
 * Parses the streams file's YAML and expands `${...}` references in its values (never in keys or
 * comments) before anything validates it. Substituted values are never logged nor put in errors:
 * an error names the field and the variable only.
 */
export function readConfigDocument(text: string, source: string, environment: NodeJS.ProcessEnv, cwd: string, options: LoadOptions = {}): unknown {
  const document = parseDocument(text);
  const [syntax] = document.errors;
  if (syntax) throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `${source} is not valid YAML: ${syntax.message}`, { path: source });
  const strict = secretLookup(environment, cwd);
  const lookup = options.unsetAsEmpty ? (name: string) => strict(name) ?? '' : strict;
  const visit = (node: Node | null | undefined, path: PathPart[]): void => {
    if (!node || isAlias(node)) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        visit(pair.value as Node | null, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item as Node | null, [...path, index]));
    } else if (isScalar(node) && typeof node.value === 'string') {
      try {
        const { value, whole } = expand(node.value, lookup);
        node.value = whole && node.type === 'PLAIN' ? typedValue(value) : value;
      } catch (error) {
        if (!(error instanceof SubstitutionError)) throw error;
        const field = fieldName(path);
        throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `${source} is invalid:\n  ${field}: ${error.message}`, {
          source,
          fields: `${field}: ${error.message}`,
          ...(error.variable !== undefined && { variable: error.variable }),
        });
      }
    }
  };
  visit(document.contents as Node | null, []);
  return document.toJS();
}
