import { join } from 'node:path';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { API_BASE_PATH, isText, TEXT_FORMAT } from '@minhu/contracts';
import { createDb, type DbHandle } from '@minhu/db';
import type { Config } from './config.js';
import authPlugin from './plugins/auth.js';
import { startBackgroundWork } from './plugins/background.js';
import errorsPlugin, { clientErrors, frameworkErrors, type ContractBreach } from './plugins/errors.js';
import { safeError } from './plugins/log-safe.js';
import rateLimitPlugin from './plugins/rate-limit.js';
import { replySerializer } from './plugins/serializer.js';
import transportPlugin from './plugins/transport.js';
import { serveWebApp } from './plugins/web.js';
import apiRoutes from './routes/index.js';
import { createServices, type Services } from './services/create-services.js';
import type { WechatClient } from './services/wechat-client.js';

export type { Services } from './services/create-services.js';
export { createServices } from './services/create-services.js';


export interface AppDeps {
  /** An open, migrated database; without it, one is opened from the configuration. */
  handle?: DbHandle;
  /** The clock; tests move it instead of sleeping. */
  clock?: () => Date;
  /** Run the overdue sweep (and deliveries) on timers; tests call them directly instead. */
  background?: boolean;
  wechat?: WechatClient;
  /** Told when a route answers an error code its entry in the table does not list (logged by default). */
  onContractBreach?: (breach: ContractBreach) => void;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: DbHandle;
    services: Services;
    clock: () => Date;
  }
}

/** Trusts the n proxies nearest the server (Fastify's number form, which its types lack). */
const trustHops = (n: number) => (_address: string, hop: number) => hop < n;

/** Opens the database the configuration names and brings its schema up to date. */
export async function openDatabase(config: Config): Promise<DbHandle> {
  const handle = await createDb({
    databaseUrl: config.databaseUrl,
    poolSize: config.databasePoolSize,
    connectTimeoutSeconds: config.databaseConnectTimeoutSeconds,
    probeAfterMs: config.databaseProbeAfterMs,
    downForMs: config.databaseRetryAfterSeconds * 1000,
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

/** The API: its database, error shape, sign-in, services, routes, background jobs and the H5 pages. */
export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // Errors are logged without the statements' parameters (plugins/log-safe.ts).
    logger: { level: config.logLevel, serializers: { err: safeError } },
    bodyLimit: 1024 * 1024,
    // Behind a reverse proxy, the client's address and scheme come from X-Forwarded-* (rate limits per IP, HSTS).
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // A connection that sends nothing for this long is closed; a request (headers and body) must
    // arrive whole within requestTimeout, so slow-body connections cannot pile up.
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    http: { headersTimeout: Math.min(15_000, config.requestTimeoutMs), connectionsCheckingInterval: Math.min(5_000, config.requestTimeoutMs) },
    ajv: {
      // Unknown fields are an error, not silently dropped (the contract says so). Free text is the
      // contracts' one text format (no NUL, no lone surrogates).
      customOptions: {
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: true,
        formats: { [TEXT_FORMAT]: { type: 'string', validate: isText } },
      },
    },
    // The router's own refusals (a bad percent-encoding, an over-long parameter) in the contract's shape.
    frameworkErrors,
    // And the connection's own (a request timed out: 408), before any request exists.
    clientErrorHandler: clientErrors,
  });
  app.setSerializerCompiler(replySerializer);
  const handle = deps.handle ?? (await openDatabase(config));
  // The app closes a database it opened itself; one handed in belongs to the caller.
  if (!deps.handle) app.addHook('onClose', async () => handle.close());

  app.decorate('db', handle);
  app.decorate('clock', deps.clock ?? (() => new Date()));
  await app.register(errorsPlugin, { onBreach: deps.onContractBreach });
  await app.register(transportPlugin, { behindProxy: config.trustProxy !== false });
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
  await app.register(rateLimitPlugin, { limits: config.rateLimits, counters: app.services.rateCounters, clock: app.clock });
  await app.register(multipart, { limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 5 } });

  // Who is signed in, kept between their requests (services/user-contexts.ts).
  const people = app.services.signedIn;
  app.addHook('preClose', () => people.close());
  await app.register(apiRoutes, { prefix: API_BASE_PATH, devLogin: config.devLogin, people });

  if (deps.background !== false) startBackgroundWork(app, config);
  await serveWebApp(app, config.webRoot);
  return app;
}
