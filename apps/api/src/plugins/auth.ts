import jwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { unauthorized } from '../errors.js';
import type { UserContexts } from '../services/user-contexts.js';
import type { Viewer } from '../services/viewer.js';

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; typ: 'access'; iat?: number };
    user: { sub: string; typ: 'access' };
  }
}

interface Options {
  secret: string;
  accessTokenTtlSeconds: number;
}

/**
 * Token signing and checking (JWT, HS256 only). Expiry is checked against the app's clock, not
 * the verifier's own: tokens are signed at the app's time too, so a test that moves its clock
 * sees a token expire without waiting.
 */
export default fp<Options>(
  async function auth(app: FastifyInstance, options: Options) {
    await app.register(jwt, {
      secret: options.secret,
      sign: { expiresIn: options.accessTokenTtlSeconds },
      verify: { algorithms: ['HS256'], ignoreExpiration: true },
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
  const checked: CheckedTokens = new Map();
  return async function signedIn(request: FastifyRequest) {
    // Unknown routes fall through to the 404 handler.
    if (!request.routeOptions.url || request.routeOptions.config.public) return;
    const token = verifiedToken(request, checked);
    if (token.typ !== 'access') throw unauthorized();
    const viewer = await contexts.get(token.sub);
    if (!viewer || !viewer.active) throw unauthorized('ACCOUNT_DISABLED', '该账号已停用或不存在，请重新登录。');
    request.viewer = viewer;
  };
}

const BEARER = /^Bearer +(\S+)$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Claims = { sub: string; typ: string; exp?: number };

/**
 * Tokens this app has already checked, each until it expires (ten minutes at most): a token is a
 * signed string that cannot change, so nothing kept here can be stale, and a request skips
 * decoding and the HMAC. Bounded: past the limit, the oldest is dropped.
 */
type CheckedTokens = Map<string, { claims: Claims; until: number }>;
const CHECKED_MAX = 10_000;

/**
 * The request's bearer token, checked: signature and algorithm by the app's verifier, expiry
 * against the app's clock (a token without one is refused).
 */
function verifiedToken(request: FastifyRequest, checked: CheckedTokens): Claims {
  const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
  if (!token) throw unauthorized();
  const now = request.server.clock().getTime();
  const known = checked.get(token);
  if (known && now < known.until) return known.claims;
  let claims: Claims;
  try {
    claims = request.server.jwt.verify<Claims>(token);
  } catch {
    throw unauthorized();
  }
  // A token signed with our secret but naming no person we could have issued it to (a `sub` that
  // is not a UUID) is as good as forged.
  if (typeof claims.exp !== 'number' || typeof claims.sub !== 'string' || !UUID.test(claims.sub)) throw unauthorized();
  if (claims.exp * 1000 <= now) throw unauthorized('TOKEN_EXPIRED', '登录已过期，请刷新登录状态。');
  checked.delete(token);
  if (checked.size >= CHECKED_MAX) checked.delete(checked.keys().next().value!);
  checked.set(token, { claims, until: Math.min(claims.exp * 1000, now + 600_000) });
  return claims;
}
