/**
 * TypeScript declarations generated from the JSON Schemas of what crosses the wire (the API's
 * response schemas and schemas/cloudevent-v1.json), so the dashboard and the tests read the
 * shapes the server declares instead of copies written by hand. `npm run gen` writes
 * web/src/wire-types.ts; a unit test fails when that file is stale. Covers the subset of JSON
 * Schema the project uses: type (or a list of types), const, enum, properties/required, items,
 * anyOf/oneOf, $ref to definitions of the same document.
 */

export type JsonSchema = { readonly [keyword: string]: unknown };

interface Context {
  /** Definition name -> the TypeScript name it is emitted under. */
  readonly names: ReadonlyMap<string, string>;
}

const PRIMITIVES: Record<string, string> = { string: 'string', number: 'number', integer: 'number', boolean: 'boolean', null: 'null' };

function literal(value: unknown): string {
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(value);
}

function union(parts: string[]): string {
  const unique = [...new Set(parts)];
  return unique.length === 0 ? 'unknown' : unique.join(' | ');
}

function typeOf(schema: JsonSchema, ctx: Context, indent: string): string {
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const name = ctx.names.get(ref.replace('#/definitions/', ''));
    if (!name) throw new Error(`wire types: no name for ${ref}`);
    return name;
  }
  if ('const' in schema) return literal(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map(literal));
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (alternatives) return union(alternatives.map((s) => typeOf(s, ctx, indent)));
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : [];
  if (types.length === 0 && schema.properties) types.push('object');
  return union(types.map((type) => single(type, schema, ctx, indent)));
}

function single(type: string, schema: JsonSchema, ctx: Context, indent: string): string {
  if (PRIMITIVES[type]) return PRIMITIVES[type] as string;
  if (type === 'array') {
    const items = schema.items as JsonSchema | undefined;
    const inner = items ? typeOf(items, ctx, indent) : 'unknown';
    return /[|& ]/.test(inner) ? `readonly (${inner})[]` : `readonly ${inner}[]`;
  }
  if (type === 'object') return objectType(schema, ctx, indent);
  throw new Error(`wire types: unsupported type ${type}`);
}

function objectType(schema: JsonSchema, ctx: Context, indent: string): string {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const inner = `${indent}  `;
  const lines = Object.entries(properties).map(([name, property]) => {
    const doc = typeof property.description === 'string' ? `${inner}/** ${property.description} */\n` : '';
    return `${doc}${inner}readonly ${name}${required.has(name) ? '' : '?'}: ${typeOf(property, ctx, inner)};`;
  });
  if (schema.additionalProperties !== false && lines.length === 0) return 'Readonly<Record<string, unknown>>';
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/** One declaration per named schema: `export type Name = ...;`, definitions referenced by name. Pure. */
export function declarations(named: ReadonlyArray<{ name: string; schema: JsonSchema }>, definitions: { names: ReadonlyMap<string, string>; schemas: Readonly<Record<string, JsonSchema>> }): string {
  const ctx: Context = { names: definitions.names };
  const out: string[] = [];
  for (const [definition, name] of definitions.names) {
    const schema = definitions.schemas[definition];
    if (!schema) throw new Error(`wire types: no definition ${definition}`);
    out.push(`${doc(schema)}export type ${name} = ${typeOf(schema, ctx, '')};\n`);
  }
  for (const { name, schema } of named) out.push(`${doc(schema)}export type ${name} = ${typeOf(schema, ctx, '')};\n`);
  return out.join('\n');
}

function doc(schema: JsonSchema): string {
  return typeof schema.description === 'string' ? `/** ${schema.description} */\n` : '';
}
