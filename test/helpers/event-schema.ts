import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ROOT } from './paths';

/** The repository's versioned event schema (schemas/cloudevent-v1.json), compiled with ajv. */
export function eventValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'cloudevent-v1.json'), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** Asserts-friendly: the validation errors of one event as text, or null when valid. */
export function schemaErrors(validate: ValidateFunction, event: unknown): string | null {
  return validate(event) ? null : JSON.stringify(validate.errors);
}
