import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { OperationId } from '@minhu/contracts';
import type { Limit, RateLimits } from '../config.js';
import { AppError } from '../errors.js';
import type { RateCounters } from '../services/rate-counters.js';

interface Options {
  limits: RateLimits | null;
  counters: RateCounters;
  clock: () => Date;
}

/** What one limit counts by: a key for this request, or none (then it does not apply). */
interface RouteLimit {
  /** Counters of limits with the same name are shared by their endpoints (all of /auth/* per IP). */
  name: string;
  limit: Limit;
  key(request: FastifyRequest): string | undefined;
  /** What the person is told, given the seconds to wait. */
  message(seconds: number): string;
}

const byIp = (request: FastifyRequest) => request.ip;
const byPerson = (request: FastifyRequest) => request.viewer?.id;
const byPhone = (request: FastifyRequest) => {
  const phone = (request.body as { phone?: unknown } | undefined)?.phone;
  return typeof phone === 'string' ? phone.replace(/\D/g, '').slice(-11) || undefined : undefined;
};

/** "30 秒", "5 分钟": the wait in words. */
const wait = (seconds: number) => (seconds < 90 ? `${seconds} 秒` : `${Math.ceil(seconds / 60)} 分钟`);

/** Which limits apply to which endpoints of the table. */
function limitsByOperation(limits: RateLimits): Partial<Record<OperationId, RouteLimit[]>> {
  const auth: RouteLimit = { name: 'auth-ip', limit: limits.authPerIp, key: byIp, message: (s) => `登录太频繁，请 ${wait(s)}后再试。` };
  const invites: RouteLimit[] = [
    { name: 'invite-ip', limit: limits.invitesPerIp, key: byIp, message: (s) => `邀请码查询太频繁，请 ${wait(s)}后再试。` },
    { name: 'invite-person', limit: limits.invitesPerPerson, key: byPerson, message: (s) => `邀请码查询太频繁，请 ${wait(s)}后再试。` },
  ];
  return {
    devLogin: [auth, { name: 'login-phone', limit: limits.loginPerPhone, key: byPhone, message: (s) => `这个手机号登录太频繁，请 ${wait(s)}后再试。` }],
    wechatLogin: [auth],
    refreshTokens: [auth],
    getInvite: invites,
    joinTeam: invites,
    createTicket: [
      {
        name: 'tickets',
        limit: limits.ticketsPerPerson,
        key: byPerson,
        message: (s) => `提交求助太频繁，请 ${wait(s)}后再试。情况紧急请直接拨打社区电话或 120、110。`,
      },
    ],
    createUpload: [{ name: 'uploads', limit: limits.uploadsPerPerson, key: byPerson, message: (s) => `上传照片太频繁，请 ${wait(s)}后再试。` }],
    noteTicket: [{ name: 'notes', limit: limits.notesPerPerson, key: byPerson, message: (s) => `添加记录太频繁，请 ${wait(s)}后再试。` }],
  };
}

/**
 * Rate limits with @fastify/rate-limit, counted in the counters every API process shares
 * (PostgreSQL; in memory for the embedded single process), on the app's clock. Checked before
 * validation, so a flood of bad requests is limited too; an endpoint's limits are in the table
 * above, their numbers in the configuration (README). Over the limit: 429 RATE_LIMITED in the
 * contract's shape, with Retry-After.
 */
export default fp<Options>(
  async function rateLimits(app: FastifyInstance, options: Options) {
    if (!options.limits) return;
    const { counters, clock } = options;

    /** @fastify/rate-limit's store interface over the shared counters. */
    class SharedStore {
      incr(key: string, done: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number) {
        const now = clock();
        counters.hit(key, timeWindow, now).then(
          (hit) => done(null, { current: hit.count, ttl: Math.max(0, hit.resetAt - now.getTime()) }),
          (error: Error) => done(error),
        );
      }
      child() {
        return new SharedStore();
      }
    }
    await app.register(rateLimit, { global: false, store: SharedStore, skipOnError: false });

    const checks = new Map<OperationId, { limit: RouteLimit; check: ReturnType<FastifyInstance['createRateLimit']> }[]>();
    for (const [operationId, limits] of Object.entries(limitsByOperation(options.limits)) as [OperationId, RouteLimit[]][]) {
      checks.set(
        operationId,
        limits.map((limit) => ({
          limit,
          check: app.createRateLimit({
            max: limit.limit.max,
            timeWindow: limit.limit.windowMs,
            keyGenerator: (request: FastifyRequest) => `${limit.name}:${limit.key(request)}`,
          }),
        })),
      );
    }

    app.addHook('preValidation', async (request, reply) => {
      const operationId = request.routeOptions.config?.operationId;
      const wanted = operationId && checks.get(operationId);
      if (!wanted) return;
      for (const { limit, check } of wanted) {
        if (limit.key(request) === undefined) continue;
        const result = await check(request);
        if (!result.isAllowed && result.isExceeded) {
          const seconds = Math.max(1, result.ttlInSeconds);
          reply.header('retry-after', String(seconds));
          throw new AppError(429, 'RATE_LIMITED', limit.message(seconds), { retryAfterSeconds: seconds });
        }
      }
    });
  },
  { name: 'rate-limit' },
);
