import { existsSync } from 'node:fs';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  createDb,
  createIdempotencyRepository,
  createMetricsRepository,
  createNotificationsRepository,
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
import monitoringRoutes from './routes/monitoring.routes.js';
import { createAuthService } from './services/auth.service.js';
import { createTicketsService } from './services/tickets.service.js';
import { createMetricsService } from './services/metrics.service.js';
import { createNotificationsService } from './services/notifications.service.js';
import { createNotifier } from './services/notifier.js';
import { createPoliciesService } from './services/policies.service.js';
import { createSweepService } from './services/sweep.service.js';
import { createOrgService } from './services/org.service.js';
import { createUploadsService } from './services/uploads.service.js';
import { createWechatClient, type WechatClient } from './services/wechat-client.js';

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

export function createServices(handle: DbHandle, config: Config, signAccessToken: (userId: string) => string, wechat?: WechatClient) {
  const org = createOrgRepository(handle);
  const users = createUsersRepository(handle);
  const tickets = createTicketsRepository(handle);
  const uploads = createUploadsRepository(handle);
  const notifications = createNotificationsRepository(handle);
  const policies = createPoliciesRepository(handle);
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
      uploads,
      policies,
      notifier,
      autoCloseAfterMs: config.autoCloseAfterMs,
    }),
    uploads: createUploadsService({ uploads, tickets }),
    org: createOrgService({ org }),
    policies: createPoliciesService({ policies }),
    notifications: createNotificationsService({ notifications }),
    metrics: createMetricsService({ metrics: createMetricsRepository(handle), org }),
    sweep: createSweepService({ handle, tickets, notifier, autoCloseAfterMs: config.autoCloseAfterMs }),
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
    createServices(handle, config, (userId) => app.jwt.sign({ sub: userId, typ: 'access' }), deps.wechat),
  );
  await app.register(multipart, { limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 5 } });

  await app.register(
    async (api) => {
      api.addHook('onRequest', requireSignIn(createOrgRepository(handle)));
      await api.register(healthRoutes);
      await api.register(authRoutes, { devLogin: config.devLogin });
      await api.register(ticketsRoutes);
      await api.register(uploadsRoutes);
      await api.register(orgRoutes);
      await api.register(monitoringRoutes);
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
 * The overdue sweep every SLA_SWEEP_INTERVAL_MS, on every process: the sweep itself makes sure
 * each ticket is handled once. A run never overlaps the previous one on the same process.
 */
function startBackgroundWork(app: FastifyInstance, config: Config) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | null = null;
  const sweep = () => {
    if (running) return;
    running = app.services.sweep
      .run(app.clock())
      .then((result) => {
        if (result.escalated || result.closed) app.log.info(result, 'overdue sweep');
      })
      .catch((error: unknown) => app.log.error({ err: error }, 'overdue sweep failed'))
      .finally(() => {
        running = null;
      });
  };
  app.addHook('onReady', async () => {
    timer = setInterval(sweep, config.slaSweepIntervalMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
