import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';

export default async function healthRoutes(app: FastifyInstance) {
  app.get(
    '/health',
    { config: { public: true }, schema: { tags: ['health'], summary: '服务与数据库是否可用' } },
    async (_request, reply) => {
      try {
        await app.db.rows(sql`SELECT 1`);
        return { status: 'ok', db: 'ok' };
      } catch (error) {
        app.log.error({ err: error }, 'health check: database unreachable');
        return reply.code(503).send({
          status: 'error',
          db: 'unavailable',
          error: { code: 'DATABASE_UNAVAILABLE', message: '数据库暂时无法访问。' },
        });
      }
    },
  );
}
