import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** The OpenAPI document, generated from the same schemas that validate requests. */
export default fp(
  async function openapi(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        info: {
          title: '民呼我行 API',
          version: '1.0.0',
          description: '居民求助、服务队签收办理与书记督办的接口。错误统一为 {"error":{"code","message","details"}}。',
        },
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
        security: [{ bearer: [] }],
      },
    });
  },
  { name: 'openapi' },
);
