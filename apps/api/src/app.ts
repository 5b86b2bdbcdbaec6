import { existsSync } from 'node:fs';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  createDb,
  createDeliveriesRepository,
  createIdempotencyRepository,
  createLedgerRepository,
  createMetricsRepository,
  createNotificationsRepository,
  createOrgWriteRepository,
  createPoliciesRepository,
  createOrgRepository,
  createTicketsRepository,
  createUploadsRepository,
  createUsersRepository,
  type DbHandle,
} from '@minhu/db';
import type { Config } from './config.js';
import authPlugin, { requireSignIn } from './plugins/auth.js';
import errorsPlugin from './plugins/errors.js';
import openapiPlugin from './plugins/openapi.js';
import authRoutes from './routes/auth.routes.js';
import healthRoutes from './routes/health.routes.js';
import ticketsRoutes from './routes/tickets.routes.js';
import uploadsRoutes from './routes/uploads.routes.js';
import orgRoutes from './routes/org.routes.js';
import orgAdminRoutes from './routes/org-admin.routes.js';
import monitoringRoutes from './routes/monitoring.routes.js';
import exportsRoutes from './routes/exports.routes.js';
import { createAuthService } from './services/auth.service.js';
import { createDispatcherService } from './services/dispatcher.service.js';
import { createTicketsService } from './services/tickets.service.js';
import { createMetricsService } from './services/metrics.service.js';
import { createExportsService } from './services/exports.service.js';
import { createNotificationsService } from './services/notifications.service.js';
import { createNotifier } from './services/notifier.js';
import { createUserContexts } from './services/user-contexts.js';
import { createPoliciesService } from './services/policies.service.js';
import { createSweepService } from './services/sweep.service.js';
import { replySerializer } from './plugins/serializer.js';
import { createOrgAdminService } from './services/org-admin.service.js';
import { createOrgService } from './services/org.service.js';
import { createUploadsService } from './services/uploads.service.js';
import { createWechatClient, type WechatClient } from './services/wechat-client.js';
import { createWechatSubscribe } from './services/wechat-subscribe.js';

export const API_PREFIX = '/api/v1';

export interface AppDeps {
  /** An open, migrated database; without it, one is opened from the configuration. */
  handle?: DbHandle;
  /** The clock; tests move it instead of sleeping. */
  clock?: () => Date;
  /** Run the overdue sweep (and deliveries) on timers; tests call them directly instead. */
  background?: boolean;
  wechat?: WechatClient;
}

export function createServices(
  handle: DbHandle,
  config: Config,
  signAccessToken: (userId: string, now: Date) => string,
  wechat?: WechatClient,
) {
  const org = createOrgRepository(handle);
  const users = createUsersRepository(handle);
  const tickets = createTicketsRepository(handle);
  const uploads = createUploadsRepository(handle);
  const notifications = createNotificationsRepository(handle);
  const policies = createPoliciesRepository(handle);
  const metrics = createMetricsService({ metrics: createMetricsRepository(handle), org });
  const notifier = createNotifier({
    notifications,
    channels: (type) => (config.wechat.subscribeTemplates[type] ? ['wechat'] : []),
  });
  return {
    auth: createAuthService({
      users,
      org,
      wechat: wechat ?? createWechatClient(config.wechat),
      signAccessToken,
      accessTokenTtlSeconds: config.accessTokenTtlSeconds,
      refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
    }),
    tickets: createTicketsService({
      handle,
      tickets,
      org,
      users,
      idempotency: createIdempotencyRepository(handle),
      notifier,
      autoCloseAfterMs: config.autoCloseAfterMs,
    }),
    uploads: createUploadsService({ uploads, tickets }),
    org: createOrgService({ org }),
    orgAdmin: createOrgAdminService({ handle, org, write: createOrgWriteRepository(handle) }),
    policies: createPoliciesService({ policies }),
    notifications: createNotificationsService({ notifications }),
    metrics,
    exports: createExportsService({ ledger: createLedgerRepository(handle), metrics }),
    sweep: createSweepService({ tickets, notifier, autoCloseAfterMs: config.autoCloseAfterMs }),
    dispatcher: createDispatcherService({
      deliveries: createDeliveriesRepository(handle),
      wechat: createWechatSubscribe(config.wechat),
      templates: config.wechat.subscribeTemplates,
      fields: config.wechat.subscribeFields,
      page: config.wechat.subscribePage,
      timeoutMs: config.wechat.timeoutMs,
    }),
    /** The signed-in person as services see them, freshly loaded. */
    viewerOf: async (userId: string) => (await org.userContext(userId))!,
  };
}

export type Services = ReturnType<typeof createServices>;

declare module 'fastify' {
  interface FastifyInstance {
    db: DbHandle;
    services: Services;
    clock: () => Date;
  }
}

/** Opens the database the configuration names and brings its schema up to date. */
export async function openDatabase(config: Config): Promise<DbHandle> {
  const handle = await createDb({
    databaseUrl: config.databaseUrl,
    poolSize: config.databasePoolSize,
    pgliteDir: config.databaseUrl ? undefined : join(config.dataDir, 'pglite'),
  });
  try {
    await handle.migrate();
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: 1024 * 1024,
    ajv: {
      // Unknown fields are an error, not silently dropped (the contract says so).
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
    },
  });
  app.setSerializerCompiler(replySerializer);
  const handle = deps.handle ?? (await openDatabase(config));
  // The app closes a database it opened itself; one handed in belongs to the caller.
  if (!deps.handle) app.addHook('onClose', async () => handle.close());

  app.decorate('db', handle);
  app.decorate('clock', deps.clock ?? (() => new Date()));
  await app.register(errorsPlugin);
  await app.register(openapiPlugin);
  await app.register(authPlugin, { secret: config.jwtSecret, accessTokenTtlSeconds: config.accessTokenTtlSeconds });
  app.decorate(
    'services',
    createServices(
      handle,
      config,
      (userId, now) => app.jwt.sign({ sub: userId, typ: 'access', iat: Math.floor(now.getTime() / 1000) }),
      deps.wechat,
    ),
  );
  await app.register(multipart, { limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 5 } });

  await app.register(
    async (api) => {
      const org = createOrgRepository(handle);
      const contexts = createUserContexts(handle, { load: (id) => org.userContext(id) });
      app.addHook('preClose', () => contexts.close());
      api.addHook('onRequest', requireSignIn(contexts));
      // A change made here is seen by this process's next request, before any announcement.
      api.addHook('onSend', async (request, _reply, payload) => {
        if (mayChangePeople(request.method, request.url)) contexts.forgetAll();
        return payload;
      });
      await api.register(healthRoutes);
      await api.register(authRoutes, { devLogin: config.devLogin });
      await api.register(ticketsRoutes);
      await api.register(uploadsRoutes);
      await api.register(orgRoutes);
      await api.register(orgAdminRoutes);
      await api.register(monitoringRoutes);
      await api.register(exportsRoutes);
      api.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: API_PREFIX },
  );

  if (deps.background !== false) startBackgroundWork(app, config);

  // The mini-program's H5 build, from the API's own origin (no CORS), once it has been built.
  // Hashed assets are cached for good; index.html is always revalidated so new builds show up.
  if (existsSync(join(config.webRoot, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: config.webRoot,
      prefix: '/',
      setHeaders(res, path) {
        res.setHeader('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
      },
    });
  }
  return app;
}

/**
 * Whether a request may change who someone is (account, teams, roles, areas): any write but the
 * ones on tickets, uploads, notifications, time limits and sign-in (which only adds accounts and
 * tokens; forgetting everyone at each token refresh would keep nobody). Unknown new routes count
 * as changes.
 */
function mayChangePeople(method: string, url: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && !/^\/api\/v1\/(tickets|uploads|notifications|sla-policies|auth)(\/|\?|$)/.test(url);
}

/**
 * The overdue sweep every SLA_SWEEP_INTERVAL_MS and, when WeChat sending is configured (app id,
 * secret and at least one template), the WeChat outbox every NOTIFY_DISPATCH_INTERVAL_MS, on
 * every process: each makes sure every ticket or message is handled once. A run never overlaps
 * the previous one of the same job on the same process.
 */
function startBackgroundWork(app: FastifyInstance, config: Config) {
  const { appId, appSecret, subscribeTemplates } = config.wechat;
  const sendsWechat = Boolean(appId && appSecret && Object.keys(subscribeTemplates).length > 0);
  repeat(app, config.slaSweepIntervalMs, 'overdue sweep', () => app.services.sweep.run(app.clock()));
  if (sendsWechat) repeat(app, config.notifyDispatchIntervalMs, 'wechat dispatch', () => app.services.dispatcher.run(app.clock()));
}

/** Runs a job every intervalMs; its counts are logged when any is non-zero. */
function repeat(app: FastifyInstance, intervalMs: number, name: string, run: () => Promise<Record<string, number>>) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    running = run()
      .then((result) => {
        if (Object.values(result).some((n) => n > 0)) app.log.info(result, name);
      })
      .catch((error: unknown) => app.log.error({ err: error }, `${name} failed`))
      .finally(() => {
        running = null;
      });
  };
  app.addHook('onReady', async () => {
    timer = setInterval(tick, intervalMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
