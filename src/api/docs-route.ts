import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/** Where the browsable API documentation lives. */
export const DOCS_PREFIX = '/docs';

/**
 * The page loads its scripts and styles from this origin only (swagger-ui's files ship in the npm
 * package: nothing from a CDN, works offline) and talks to this origin only (the spec, "Try it
 * out"). Styles may be inline: swagger-ui sets style attributes. No validator badge (it would call
 * validator.swagger.io).
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

/**
 * Swagger UI at `/docs`, showing `document()`: the same OpenAPI document as `/openapi.json`,
 * built from the routes' own schemas (src/api/openapi.ts, which also says each route's role).
 * @fastify/swagger is the door swagger-ui reads the document through; its own generator's output
 * is replaced by ours, so there is one description of the API, not two that could differ.
 * Open like `/openapi.json`: the page holds no data, and "Try it out" sends the token the user
 * gives to "Authorize".
 */
export async function registerApiDocs(app: FastifyInstance, document: () => Record<string, unknown>): Promise<void> {
  await app.register(swagger, { mode: 'dynamic', openapi: { openapi: '3.1.0' }, transformObject: () => document() });
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    staticCSP: CSP,
    uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0, persistAuthorization: false, tryItOutEnabled: false },
    theme: { title: 'Vigil gateway API' },
  });
}
