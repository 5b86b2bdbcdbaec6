import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { uriTooLong } from './errors.js';

/** How long a browser keeps a file whose name carries its content's hash: for good. */
const A_YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * The mini-program's H5 build, from the API's own origin (no CORS), once it has been built.
 *
 * Every file but index.html has its content's hash in its name (config/index.ts), so it is cached
 * for good (`immutable`: a reopen asks nothing); index.html names the current files and is always
 * revalidated (`no-cache`), so a new build shows at the next open. The headers come from
 * @fastify/static's own options: it sets Cache-Control after `setHeaders` runs, so a header set
 * there is overwritten. Files are sent as the build compressed them (`.br`, `.gz` beside each,
 * scripts/compress-h5.mjs) when the browser accepts it: no compression at request time.
 */
export async function serveWebApp(app: FastifyInstance, webRoot: string) {
  if (!existsSync(join(webRoot, 'index.html'))) return;
  await app.register(fastifyStatic, {
    root: webRoot,
    prefix: '/',
    preCompressed: true,
    maxAge: A_YEAR_MS,
    immutable: true,
    // index.html only through the routes below (which win over the files' wildcard), never with
    // the hashed files' caching.
    index: false,
  });
  const policy = pagePolicy(join(webRoot, 'index.html'));
  const page = (_request: unknown, reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').header('content-security-policy', policy()).sendFile('index.html', { cacheControl: false });
  app.get('/', page);
  app.get('/index.html', page);
  // The files' wildcard (`/*`) is for the pages only. A path under /api that no route takes (an
  // unknown one, or one whose parameter is over the router's length limit: find-my-way then falls
  // back to the nearest wildcard) gets the API's answer, not "no such page".
  app.all('/api/*', async (request, reply) => {
    const segments = request.url.split('?')[0]!.split('/');
    if (segments.some((s) => s.length > MAX_PARAM_LENGTH)) return reply.code(414).send(uriTooLong);
    return reply.callNotFound();
  });
}

/** The router's limit on a path parameter (Fastify's default maxParamLength). */
const MAX_PARAM_LENGTH = 100;

/**
 * The H5 page's Content-Security-Policy: scripts only from this origin plus index.html's own inline
 * script (the preload map, by its hash: no 'unsafe-inline'), no eval, styles from here (inline too:
 * Taro sets style attributes), pictures from here, data: and blob: (a photo being picked), calls
 * only to this origin, never framed. Worked out again when index.html changes (a new build).
 */
function pagePolicy(indexFile: string): () => string {
  let made: { mtimeMs: number; policy: string } | undefined;
  return () => {
    const { mtimeMs } = statSync(indexFile);
    if (made?.mtimeMs !== mtimeMs) {
      const html = readFileSync(indexFile, 'utf8');
      const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
        (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
      );
      const policy = [
        "default-src 'self'",
        `script-src 'self' ${hashes.join(' ')}`.trim(),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self' blob:",
        "connect-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; ');
      made = { mtimeMs, policy };
    }
    return made.policy;
  };
}
