import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { API_BASE_PATH } from '@minhu/contracts';

interface Options {
  /** Behind a proxy that terminates TLS (TRUST_PROXY): HTTPS requests get Strict-Transport-Security. */
  behindProxy: boolean;
}

/** Half a year, as browsers' preload lists ask at least. */
const HSTS = 'max-age=15552000; includeSubDomains';

/**
 * The headers every reply carries (@fastify/helmet): nosniff, no framing (frame-ancestors 'none'
 * and X-Frame-Options DENY), Referrer-Policy no-referrer, and a Content-Security-Policy that
 * allows nothing, which is right for JSON and files; the H5 page sets its own (plugins/web.ts).
 * API replies are never stored by browsers or proxies (Cache-Control: no-store: they carry
 * phone numbers, addresses and health needs) unless a route says otherwise (photos). HSTS only
 * where HTTPS is known: a proxy says so in X-Forwarded-Proto when TRUST_PROXY is set.
 */
export default fp<Options>(
  async function transport(app: FastifyInstance, options: Options) {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
      },
      xFrameOptions: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: false,
    });
    const apiPrefix = `${API_BASE_PATH}/`;
    app.addHook('onSend', async (request, reply, payload) => {
      if (request.url.startsWith(apiPrefix) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      if (options.behindProxy && request.protocol === 'https') reply.header('strict-transport-security', HSTS);
      return payload;
    });
  },
  { name: 'transport' },
);
