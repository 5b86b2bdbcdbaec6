import type { FastifyInstance } from 'fastify';
import { openApiDocument } from '@minhu/contracts';
import { serve } from './serve.js';

export default async function systemRoutes(app: FastifyInstance, options: { devLogin: boolean }) {
  // Made once: the table does not change while the process runs.
  const document = openApiDocument(options);
  serve(app, {
    health: async (_request, reply) => {
      try {
        await app.db.ping();
        return { status: 'ok', db: 'ok' };
      } catch (error) {
        app.log.error({ err: error }, 'health check: database unreachable');
        return reply.code(503).header('retry-after', String(app.db.retryAfterSeconds)).send({
          status: 'error',
          db: 'unavailable',
          error: { code: 'DATABASE_UNAVAILABLE', message: '数据库暂时无法访问。' },
        });
      }
    },
    openApi: async (_request, reply) => reply.send(document),
  });
}
