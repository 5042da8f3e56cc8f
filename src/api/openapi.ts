import type { FastifyInstance, RouteOptions } from 'fastify';
import { errorSchema } from './schemas';

interface CollectedRoute {
  readonly method: string;
  readonly url: string;
  readonly schema: Record<string, unknown>;
  readonly role: string | undefined;
}

/** Remembers every route as it is registered, to describe it in /openapi.json. */
export function collectRoutes(app: FastifyInstance): CollectedRoute[] {
  const routes: CollectedRoute[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({ method: method.toLowerCase(), url: route.url, schema: (route.schema ?? {}) as Record<string, unknown>, role: route.config?.role });
    }
  });
  return routes;
}

function parameters(schema: Record<string, unknown>): unknown[] {
  const out: unknown[] = [];
  for (const [part, where] of [['params', 'path'], ['querystring', 'query']] as const) {
    const s = schema[part] as { properties?: Record<string, unknown>; required?: string[] } | undefined;
    for (const [name, prop] of Object.entries(s?.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (s?.required ?? []).includes(name), schema: prop });
    }
  }
  return out;
}

function requestBody(schema: Record<string, unknown>): unknown {
  const body = schema.body as { content?: Record<string, { schema: unknown }> } | undefined;
  if (!body) return undefined;
  const content = body.content ?? { 'application/json': { schema: body } };
  return { required: true, content };
}

function responses(schema: Record<string, unknown>, role: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const declared = (schema.response ?? {}) as Record<string, unknown>;
  for (const [status, s] of Object.entries(declared)) {
    const described = s as { description?: string; content?: unknown };
    out[status] = described.content ? described : { description: described.description ?? 'OK', content: { 'application/json': { schema: s } } };
  }
  const error = { description: 'error', content: { 'application/json': { schema: errorSchema } } };
  if (role) {
    out['401'] = error;
    out['403'] = error;
  }
  out['4XX'] = error;
  if (Object.keys(declared).length === 0) out['200'] = { description: 'OK' };
  return out;
}

/** The OpenAPI 3.1 document of every registered route, built from the routes' own schemas. */
export function openApiDocument(routes: readonly CollectedRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    // The document itself, wildcard file routes and the documentation UI's own files are not API.
    if (route.url === '/openapi.json' || route.url.includes('*') || route.schema.hide === true) continue;
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operation: Record<string, unknown> = {
      summary: route.schema.summary,
      tags: route.schema.tags,
      parameters: parameters(route.schema),
      responses: responses(route.schema, route.role),
      ...(route.role ? { security: [{ bearer: [] }], 'x-vigil-role': route.role } : { security: [] }),
    };
    const body = requestBody(route.schema);
    if (body) operation.requestBody = body;
    (paths[path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Vigil gateway API', version, description: 'Roles: viewer < operator < admin. Errors: {"error":{"code","message","details"}}.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { Error: errorSchema } },
    paths,
  };
}
