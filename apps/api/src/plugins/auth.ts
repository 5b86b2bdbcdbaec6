import jwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { unauthorized } from '../errors.js';
import type { UserContexts } from '../services/user-contexts.js';
import type { Viewer } from '../services/viewer.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without signing in (health, login, the OpenAPI document). */
    public?: boolean;
  }
  interface FastifyRequest {
    viewer: Viewer;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; typ: 'access' };
    user: { sub: string; typ: 'access' };
  }
}

interface Options {
  secret: string;
  accessTokenTtlSeconds: number;
}

/** Token signing and checking (JWT, HS256 only). */
export default fp<Options>(
  async function auth(app: FastifyInstance, options: Options) {
    await app.register(jwt, {
      secret: options.secret,
      sign: { expiresIn: options.accessTokenTtlSeconds },
      // A token's check is kept until it expires (or ten minutes), keyed by the token itself: a
      // token cannot change, so this keeps no stale answer, and saves each request's HMAC.
      verify: { algorithms: ['HS256'], cache: 10_000, cacheKeyBuilder: (token: string) => token },
    });
    app.decorateRequest('viewer', null as unknown as Viewer);
  },
  { name: 'auth', dependencies: ['errors'] },
);

/**
 * The API's gate: every route needs a signed-in person unless it says `config: { public: true }`,
 * so forgetting the flag fails closed. The person is looked up for each request (kept only until
 * anything about them changes, user-contexts.ts): a member removed from a team loses access at
 * once, not when their token expires.
 */
export function requireSignIn(contexts: Pick<UserContexts, 'get'>) {
  return async function signedIn(request: FastifyRequest) {
    // Unknown routes fall through to the 404 handler.
    if (!request.routeOptions.url || request.routeOptions.config.public) return;
    const token = verifiedToken(request);
    if (token.typ !== 'access') throw unauthorized();
    const viewer = await contexts.get(token.sub);
    if (!viewer || !viewer.active) throw unauthorized('ACCOUNT_DISABLED', '该账号已停用或不存在，请重新登录。');
    request.viewer = viewer;
  };
}

const BEARER = /^Bearer +(\S+)$/i;

/** The request's bearer token, checked (signature, algorithm, expiry) by the registered verifier. */
function verifiedToken(request: FastifyRequest): { sub: string; typ: string } {
  const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
  if (!token) throw unauthorized();
  try {
    return request.server.jwt.verify<{ sub: string; typ: string }>(token);
  } catch (error) {
    if ((error as { code?: string }).code === 'FAST_JWT_EXPIRED') throw unauthorized('TOKEN_EXPIRED', '登录已过期，请刷新登录状态。');
    throw unauthorized();
  }
}
