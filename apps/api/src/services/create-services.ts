import {
  createDeliveriesRepository,
  createDistributionsRepository,
  createErrandsRepository,
  createIdempotencyRepository,
  createLedgerRepository,
  createRetentionRepository,
  createMetricsRepository,
  createNotificationsRepository,
  createOrgWriteRepository,
  createPoliciesRepository,
  createOrgRepository,
  createPeopleRepository,
  createSecondmentsRepository,
  createTicketsRepository,
  createUploadsRepository,
  createUsersRepository,
  type DbHandle,
} from '@minhu/db';
import type { NotificationType } from '@minhu/domain';
import type { Config } from '../config.js';
import { createAccess } from './access.js';
import { createSignedCursors } from './cursor.js';
import { createAuthService } from './auth.service.js';
import { createDispatcherService, createSmsDispatcherService } from './dispatcher.service.js';
import { createTencentSms } from './sms-client.js';
import { createDistributionsService } from './distributions.service.js';
import { createErrandsService } from './errands.service.js';
import { createTicketsService } from './tickets.service.js';
import { createMetricsService } from './metrics.service.js';
import { createAuditExport, createExportsService } from './exports.service.js';
import { createRetentionService } from './retention.service.js';
import { createWechatContentCheck } from './wechat-content-check.js';
import { createNotificationsService } from './notifications.service.js';
import { createNotifier } from './notifier.js';
import { createPoliciesService } from './policies.service.js';
import { createRateCounters } from './rate-counters.js';
import { createSecondmentsService } from './secondments.service.js';
import { createSweepService } from './sweep.service.js';
import { createOrgAdminService } from './org-admin.service.js';
import { createOrgService } from './org.service.js';
import { createPeopleService } from './people.service.js';
import { createUploadsService } from './uploads.service.js';
import { createUserContexts } from './user-contexts.js';
import { createWechatClient, type WechatClient } from './wechat-client.js';
import { createWechatSubscribe } from './wechat-subscribe.js';

/**
 * The use cases, each given only the repositories and services it uses: the one place where
 * they are wired together (app.ts decorates the app with the result).
 */
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
  const people = createPeopleRepository(handle);
  const distributions = createDistributionsRepository(handle);
  const access = createAccess({ tickets, org, people, distributions });
  // Rate-limit counters, shared by the API's processes (plugins/rate-limit.ts, the emergency pages).
  const rateCounters = createRateCounters(handle);
  // Who is signed in, kept between requests; the services whose writes change people tell it.
  const signedIn = createUserContexts(handle, { load: (id) => org.userContext(id) });
  const metrics = createMetricsService({ metrics: createMetricsRepository(handle), org, access });
  const notifier = createNotifier({
    notifications,
    channels: {
      wechat: new Set(Object.keys(config.wechat.subscribeTemplates) as NotificationType[]),
      ...(config.sms ? { sms: new Set(Object.keys(config.sms.templates) as NotificationType[]) } : {}),
    },
  });
  const ticketService = createTicketsService({
    handle,
    tickets,
    org,
    users,
    people,
    idempotency: createIdempotencyRepository(handle),
    access,
    notifier,
    autoCloseAfterMs: config.autoCloseAfterMs,
    cursors: createSignedCursors(config.jwtSecret),
    emergencyPages: config.rateLimits?.emergencyPagesPerPerson ?? null,
    policies,
    contentCheck: createWechatContentCheck(config.wechat),
  });
  return {
    rateCounters,
    auth: createAuthService({
      users,
      org,
      wechat: wechat ?? createWechatClient(config.wechat),
      signAccessToken,
      accessTokenTtlSeconds: config.accessTokenTtlSeconds,
      refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
    }),
    tickets: ticketService,
    uploads: createUploadsService({ uploads, access, quotaBytes: config.uploadQuotaBytes }),
    retention: createRetentionService({ retention: createRetentionRepository(handle), days: config.retentionDays, batchSize: config.retentionBatchSize }),
    org: createOrgService({ handle, org, write: createOrgWriteRepository(handle), people: signedIn, homeChangesPer30Days: config.homeChangesPer30Days }),
    people: createPeopleService({ people, org, access, signedIn }),
    orgAdmin: createOrgAdminService({ handle, org, write: createOrgWriteRepository(handle), access, people: signedIn }),
    policies: createPoliciesService({ policies }),
    notifications: createNotificationsService({ notifications, deliveries: createDeliveriesRepository(handle) }),
    metrics,
    exports: createExportsService({ ledger: createLedgerRepository(handle), metrics }),
    auditExport: createAuditExport({ batches: (filter, size) => createOrgWriteRepository(handle).auditBatches(filter, size) }),
    errands: createErrandsService({ errands: createErrandsRepository(handle), tickets, ticketService, org }),
    distributions: createDistributionsService({ distributions, org, uploads, access }),
    secondments: createSecondmentsService({ handle, org, write: createOrgWriteRepository(handle), secondments: createSecondmentsRepository(handle), people: signedIn }),
    sweep: createSweepService({ tickets, notifier, autoCloseAfterMs: config.autoCloseAfterMs }),
    dispatcher: createDispatcherService({
      deliveries: createDeliveriesRepository(handle),
      wechat: createWechatSubscribe(config.wechat),
      templates: config.wechat.subscribeTemplates,
      fields: config.wechat.subscribeFields,
      page: config.wechat.subscribePage,
      timeoutMs: config.wechat.timeoutMs,
    }),
    /** The SMS outbox; null when no SMS provider is configured. */
    smsDispatcher: config.sms
      ? createSmsDispatcherService({ deliveries: createDeliveriesRepository(handle), sms: createTencentSms(config.sms), config: config.sms, counters: rateCounters })
      : null,
    /** The signed-in person as services see them, freshly loaded. */
    viewerOf: async (userId: string) => (await org.userContext(userId))!,
    /** Who is signed in, kept between requests (the sign-in gate reads it). */
    signedIn,
  };
}

export type Services = ReturnType<typeof createServices>;
