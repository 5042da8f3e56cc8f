import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PROJECT_ROOT } from '../config';
import { VigilError } from '../errors';

/** Where `npm run build` puts the compiled dashboard (web/ → dist/web/). */
export const DASHBOARD_DIR = join(PROJECT_ROOT, 'dist', 'web');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
};

/**
 * Only flat names made of safe characters, dots only between non-empty parts: no `/`, no `..`,
 * no leading dot. The dashboard is one flat folder, so nothing else is ever needed, and a path
 * that cannot be written cannot escape the folder.
 */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+){1,3}$/;

/**
 * The dashboard asset a request names, or null. `name` is the decoded last path segment, `''`
 * for `/`. Pure. Files of other types in the folder (package.json, build info) are never served.
 */
export function resolveDashboardAsset(name: string): { file: string; contentType: string } | null {
  const file = name === '' ? 'index.html' : name;
  if (!ASSET_NAME.test(file)) return null;
  const contentType = CONTENT_TYPES[extname(file).toLowerCase()];
  return contentType ? { file, contentType } : null;
}

/**
 * Headers for every dashboard file. Names carry no content hash, so browsers revalidate each time
 * (`no-cache` + ETag: a 304 costs nothing, a new build is never mixed with an old one). The page
 * loads nothing from elsewhere: the policy allows this origin only (no CDN, no inline script),
 * plus blob: images (snapshots are fetched with the token, then shown from memory) and blob: media
 * (the live video plays from a MediaSource fed over its WebSocket).
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
};

async function sendAsset(reply: FastifyReply, dir: string, name: string, ifNoneMatch: string | undefined): Promise<FastifyReply> {
  const asset = resolveDashboardAsset(name);
  try {
    if (!asset) throw new VigilError('VIGIL_ERR_DASHBOARD_FILE_NOT_FOUND');
    const path = join(dir, asset.file);
    const info = await stat(path);
    if (!info.isFile()) throw new VigilError('VIGIL_ERR_DASHBOARD_FILE_NOT_FOUND');
    const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    reply.headers(SECURITY_HEADERS).header('etag', etag);
    if (ifNoneMatch === etag) return reply.code(304).send();
    return reply.type(asset.contentType).send(await readFile(path));
  } catch (error) {
    const e = error instanceof VigilError ? error : new VigilError('VIGIL_ERR_DASHBOARD_FILE_NOT_FOUND', undefined, { file: asset?.file ?? null });
    return reply.code(e.httpStatus).send({ error: { code: e.code, message: e.message, details: e.details } });
  }
}

/**
 * The browser dashboard: `GET /` is index.html, `GET /NAME` a file of the flat dashboard folder.
 * Static routes (`/healthz`, `/metrics`, `/v1/...`) win over `/:file` in fastify's router, so this
 * never shadows the API. The files hold no data: everything the page shows comes from the API,
 * with the user's token.
 */
export function registerDashboardRoute(app: FastifyInstance, dir: string = DASHBOARD_DIR): void {
  app.get('/', async (request, reply) => sendAsset(reply, dir, '', request.headers['if-none-match']));
  app.get<{ Params: { file: string } }>('/:file', async (request, reply) => sendAsset(reply, dir, request.params.file, request.headers['if-none-match']));
}
