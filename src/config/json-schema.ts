import { z } from 'zod';
import { configSchema } from './schema';

type JsonSchema = Record<string, unknown>;

/** What an editor should accept in place of a number, boolean, enum or pattern: a `${VAR}` reference. */
const REFERENCE: JsonSchema = {
  type: 'string',
  pattern: '^\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}$]*)?\\}$',
  description: '${VAR} or ${VAR:-default}: expanded from the environment (or VAR_FILE) before validation',
};

function isConstrainedLeaf(schema: JsonSchema): boolean {
  if (schema.type === 'object' || schema.type === 'array' || schema.anyOf || schema.oneOf) return false;
  return schema.type !== 'string' || 'enum' in schema || 'pattern' in schema || 'const' in schema;
}

/** Lets each constrained leaf also be a lone `${...}` reference, so editors do not flag `fps: ${FPS}`. */
function allowReferences(schema: JsonSchema): JsonSchema {
  if (isConstrainedLeaf(schema)) {
    const { default: fallback, ...rest } = schema;
    return { ...(fallback !== undefined && { default: fallback }), anyOf: [rest, { $ref: '#/$defs/reference' }] };
  }
  const out: JsonSchema = { ...schema };
  if (schema.properties && typeof schema.properties === 'object') {
    out.properties = Object.fromEntries(Object.entries(schema.properties as Record<string, JsonSchema>).map(([key, value]) => [key, allowReferences(value)]));
  }
  if (schema.items && typeof schema.items === 'object') out.items = allowReferences(schema.items as JsonSchema);
  return out;
}

/**
 * The JSON Schema of streams.yaml, generated from the zod schema that validates it (one source of
 * truth), for editors (yaml-language-server). Checks the zod schema makes in code (even frame
 * sizes, unique camera ids, watermark order) are not expressible here; the gateway still runs them.
 */
export function streamsJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const { $schema, ...body } = generated;
  return {
    $schema,
    $id: 'https://github.com/vigil/vigil/schemas/streams-v1.json',
    title: 'Vigil streams file (streams.yaml), version 1',
    description:
      'Cameras and settings of a Vigil gateway. Generated from src/config/schema.ts by `npm run gen`; do not edit. Values may use ${VAR}, ${VAR:-default} (VAR_FILE: read from a file) and $$ for a literal $.',
    ...allowReferences(body),
    $defs: { ...(body.$defs as JsonSchema | undefined), reference: REFERENCE },
  };
}

/** The file's text as committed: stable key order, two-space indent, final newline. */
export function streamsJsonSchemaText(): string {
  return `${JSON.stringify(streamsJsonSchema(), null, 2)}\n`;
}
