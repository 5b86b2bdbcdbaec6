import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

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
  const page = (_request: unknown, reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  app.get('/', page);
  app.get('/index.html', page);
}
