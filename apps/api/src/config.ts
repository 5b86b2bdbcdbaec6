import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NOTIFICATION_TYPES, type NotificationType } from '@minhu/domain';
import { SMS_TYPES, isSmsType, type SmsType } from './services/sms-templates.js';
import { DEFAULT_SUBSCRIBE_FIELDS, MESSAGE_FIELDS, type MessageField } from './services/wechat-subscribe.js';

/**
 * All configuration, read and checked in this one place. Nothing else reads process.env.
 * Each setting is documented in the README's configuration table.
 */
export interface Config {
  port: number;
  host: string;
  /** API processes sharing the port (node:cluster); more than one needs PostgreSQL. */
  workers: number;
  production: boolean;
  databaseUrl: string | undefined;
  /** PostgreSQL connections per API process. */
  databasePoolSize: number;
  /** Seconds to wait for a PostgreSQL connection to open. */
  databaseConnectTimeoutSeconds: number;
  /** A statement unanswered this long makes the API check that PostgreSQL can still be reached. */
  databaseProbeAfterMs: number;
  /** Once PostgreSQL is found down, requests are answered 503 at once for this long (and told Retry-After). */
  databaseRetryAfterSeconds: number;
  dataDir: string;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  devLogin: boolean;
  seedDemo: boolean;
  wechat: {
    apiBase: string;
    appId: string | undefined;
    appSecret: string | undefined;
    timeoutMs: number;
    /** Subscribe-message template ids by notification type; a type without one is inbox-only. */
    subscribeTemplates: Partial<Record<NotificationType, string>>;
    /** The mini-program page a subscribe message opens. */
    subscribePage: string;
    /** Template field key → what our notification puts in it (WECHAT_SUBSCRIBE_FIELDS). */
    subscribeFields: Record<string, MessageField>;
    /** Which version a subscribe message opens: developer, trial or formal (WeChat's default). */
    miniprogramState: 'developer' | 'trial' | 'formal' | undefined;
    /** New descriptions and notes through msgSecCheck v2 (with the app id and secret set). */
    contentCheck: boolean;
    /** How long filing waits for the check before going on without it. */
    contentCheckTimeoutMs: number;
  };
  /** Text messages (短信) through Tencent Cloud SMS; null: not configured (SMS_PROVIDER unset). */
  sms: SmsConfig | null;
  /** How often the WeChat outbox is sent (only when WeChat sending is configured). */
  notifyDispatchIntervalMs: number;
  slaSweepIntervalMs: number;
  /** A resolved ticket nobody confirms closes by itself after this long. */
  autoCloseAfterMs: number;
  /** How often a resident may change their own home address in 30 days. */
  homeChangesPer30Days: number;
  /** Finished tickets older than this many days are anonymised (null: never). */
  retentionDays: number | null;
  /** Tickets anonymised per transaction. */
  retentionBatchSize: number;
  /** The mini-program's H5 build, served at / when it exists. */
  webRoot: string;
  logLevel: string;
  /**
   * Fastify's trustProxy: false (default), true (any proxy), a number of hops, or addresses/CIDRs.
   * Set, the client's address and scheme come from X-Forwarded-For/-Proto, and HTTPS replies carry HSTS.
   */
  trustProxy: boolean | number | string[];
  /** A connection idle this long is closed. */
  connectionTimeoutMs: number;
  /** A request's headers and body must have arrived within this. */
  requestTimeoutMs: number;
  /** Rate limits (plugins/rate-limit.ts); null: off (RATE_LIMITS=off). */
  rateLimits: RateLimits | null;
  /** Each person's uploads may take this many bytes in all. */
  uploadQuotaBytes: number;
}

export interface SmsConfig {
  provider: 'tencent';
  /** The provider's API address: https://sms.tencentcloudapi.com, or a stand-in for tests. */
  apiBase: string;
  secretId: string;
  secretKey: string;
  region: string;
  /** SmsSdkAppId: the SMS application in the provider's console. */
  appId: string;
  /** The approved signature, without 【】. */
  signName: string;
  /** Approved template id per message type (services/sms-templates.ts has their texts). */
  templates: Partial<Record<SmsType, string>>;
  timeoutMs: number;
  /** At most this many messages to one phone number in 24 hours, across processes. */
  dailyLimitPerPhone: number;
}

/** At most `max` in a window of `windowMs` from the first. */
export interface Limit {
  max: number;
  windowMs: number;
}

export interface RateLimits {
  /** Sign-in, WeChat sign-in and token refresh, per client IP. */
  authPerIp: Limit;
  /** Dev sign-in per phone number. */
  loginPerPhone: Limit;
  /** Invite codes looked up or used, per client IP. */
  invitesPerIp: Limit;
  /** Invite codes looked up or used, per person. */
  invitesPerPerson: Limit;
  /** Tickets filed, per person. */
  ticketsPerPerson: Limit;
  /** Emergencies that page the leader and secretaries, per person; more are filed without paging again. */
  emergencyPagesPerPerson: Limit;
  /** Photos uploaded, per person. */
  uploadsPerPerson: Limit;
  /** Notes added to tickets, per person. */
  notesPerPerson: Limit;
}

const MINUTE = 60_000;
/** The defaults, in the README: generous for people, tight for floods. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  authPerIp: { max: 120, windowMs: MINUTE },
  loginPerPhone: { max: 30, windowMs: 10 * MINUTE },
  invitesPerIp: { max: 60, windowMs: MINUTE },
  invitesPerPerson: { max: 20, windowMs: 10 * MINUTE },
  ticketsPerPerson: { max: 60, windowMs: 10 * MINUTE },
  emergencyPagesPerPerson: { max: 2, windowMs: 10 * MINUTE },
  uploadsPerPerson: { max: 60, windowMs: 10 * MINUTE },
  notesPerPerson: { max: 120, windowMs: 10 * MINUTE },
};

const LIMIT_VARIABLES: Record<keyof RateLimits, string> = {
  authPerIp: 'RATE_LIMIT_AUTH_PER_IP',
  loginPerPhone: 'RATE_LIMIT_LOGIN_PER_PHONE',
  invitesPerIp: 'RATE_LIMIT_INVITES_PER_IP',
  invitesPerPerson: 'RATE_LIMIT_INVITES_PER_PERSON',
  ticketsPerPerson: 'RATE_LIMIT_TICKETS_PER_PERSON',
  emergencyPagesPerPerson: 'RATE_LIMIT_EMERGENCY_PAGES_PER_PERSON',
  uploadsPerPerson: 'RATE_LIMIT_UPLOADS_PER_PERSON',
  notesPerPerson: 'RATE_LIMIT_NOTES_PER_PERSON',
};

const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../miniapp/dist/h5', import.meta.url));

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

const KNOWN_WEAK_SECRETS = new Set(['secret', 'changeme', 'change-me', 'dev', 'development', 'jwt-secret', 'minhu']);

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const production = env.NODE_ENV === 'production';
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  const dataDir = resolve(cwd, env.DATA_DIR ?? './data');

  const devLogin = bool(env, 'AUTH_DEV_LOGIN', !production);
  // The dev login signs anyone in as anyone (admins too) by a phone number alone: in production
  // one switch set by mistake must not be enough.
  if (production && devLogin && !bool(env, 'AUTH_DEV_LOGIN_I_UNDERSTAND', false)) {
    throw new ConfigError(
      '生产环境开启了演示登录 (AUTH_DEV_LOGIN=true)：任何人只凭手机号就能以任何身份 (包括管理员) 登录。' +
        '如确需开启，请同时设置 AUTH_DEV_LOGIN_I_UNDERSTAND=true；否则请去掉 AUTH_DEV_LOGIN。',
    );
  }
  const jwtSecret = nonEmpty(env.JWT_SECRET) ?? (production ? undefined : demoSecret(dataDir));
  if (!jwtSecret) {
    throw new ConfigError('生产环境必须设置 JWT_SECRET (至少 32 个字符的随机串)。');
  }
  if (production && (jwtSecret.length < 32 || KNOWN_WEAK_SECRETS.has(jwtSecret.toLowerCase()))) {
    throw new ConfigError('JWT_SECRET 太弱：生产环境需要至少 32 个字符的随机串，不能用默认值。');
  }

  const workers = int(env, 'WORKERS', 1, 1, 64);
  if (workers > 1 && !databaseUrl) {
    throw new ConfigError('WORKERS 大于 1 需要 PostgreSQL (DATABASE_URL)：内置数据库只能由一个进程打开。');
  }

  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST ?? '127.0.0.1',
    workers,
    production,
    databaseUrl,
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 4, 1, 100),
    databaseConnectTimeoutSeconds: int(env, 'DATABASE_CONNECT_TIMEOUT_SECONDS', 2, 1, 60),
    databaseProbeAfterMs: int(env, 'DATABASE_PROBE_AFTER_MS', 1000, 0, 600_000),
    databaseRetryAfterSeconds: int(env, 'DATABASE_RETRY_AFTER_SECONDS', 2, 1, 300),
    dataDir,
    jwtSecret,
    accessTokenTtlSeconds: int(env, 'ACCESS_TOKEN_TTL_SECONDS', 15 * 60, 10, 24 * 3600),
    refreshTokenTtlSeconds: int(env, 'REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600, 60, 365 * 24 * 3600),
    devLogin,
    seedDemo: bool(env, 'SEED_DEMO', databaseUrl === undefined),
    wechat: {
      apiBase: (env.WECHAT_API_BASE ?? 'https://api.weixin.qq.com').replace(/\/+$/, ''),
      appId: nonEmpty(env.WECHAT_APP_ID),
      appSecret: nonEmpty(env.WECHAT_APP_SECRET),
      timeoutMs: int(env, 'WECHAT_TIMEOUT_MS', 5000, 100, 60000),
      subscribeTemplates: templates(env.WECHAT_SUBSCRIBE_TEMPLATES),
      subscribePage: env.WECHAT_SUBSCRIBE_PAGE ?? 'pages/ticket/index',
      subscribeFields: subscribeFields(env.WECHAT_SUBSCRIBE_FIELDS),
      miniprogramState: oneOf(env, 'WECHAT_MINIPROGRAM_STATE', ['developer', 'trial', 'formal'] as const),
      contentCheck: bool(env, 'WECHAT_CONTENT_CHECK', true),
      contentCheckTimeoutMs: int(env, 'WECHAT_CONTENT_CHECK_TIMEOUT_MS', 1500, 100, 60000),
    },
    sms: smsConfig(env),
    notifyDispatchIntervalMs: int(env, 'NOTIFY_DISPATCH_INTERVAL_MS', 5000, 100, 3600 * 1000),
    slaSweepIntervalMs: int(env, 'SLA_SWEEP_INTERVAL_MS', 30000, 100, 24 * 3600 * 1000),
    autoCloseAfterMs: int(env, 'AUTO_CLOSE_AFTER_HOURS', 72, 1, 24 * 90) * 3600 * 1000,
    homeChangesPer30Days: int(env, 'HOME_CHANGES_PER_30_DAYS', 3, 1, 100),
    retentionDays: nonEmpty(env.RETENTION_DAYS) ? int(env, 'RETENTION_DAYS', 0, 1, 365 * 100) : null,
    retentionBatchSize: int(env, 'RETENTION_BATCH_SIZE', 500, 1, 10_000),
    webRoot: nonEmpty(env.WEB_ROOT) ? resolve(cwd, env.WEB_ROOT!) : DEFAULT_WEB_ROOT,
    logLevel: env.LOG_LEVEL ?? (production ? 'info' : 'warn'),
    trustProxy: trustProxy(env.TRUST_PROXY),
    connectionTimeoutMs: int(env, 'CONNECTION_TIMEOUT_MS', 30_000, 100, 3600 * 1000),
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 60_000, 100, 3600 * 1000),
    rateLimits: rateLimits(env),
    uploadQuotaBytes: int(env, 'UPLOAD_QUOTA_MB', 200, 1, 1_000_000) * 1024 * 1024,
  };
}

/** The demo's secret: made once and kept in the data folder, so tokens survive a restart. */
function demoSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** WECHAT_SUBSCRIBE_TEMPLATES: JSON, e.g. {"claimed":"tmpl-id","resolved":"tmpl-id"}. */
function templates(value: string | undefined): Partial<Record<NotificationType, string>> {
  if (!nonEmpty(value)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value!);
  } catch {
    throw new ConfigError('WECHAT_SUBSCRIBE_TEMPLATES 应为 JSON，如 {"claimed":"模板ID"}。');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('WECHAT_SUBSCRIBE_TEMPLATES 应为 JSON 对象。');
  }
  for (const [type, id] of Object.entries(parsed)) {
    if (!(NOTIFICATION_TYPES as readonly string[]).includes(type) || typeof id !== 'string' || !id) {
      throw new ConfigError(`WECHAT_SUBSCRIBE_TEMPLATES 中 "${type}" 不是可用的通知类型或模板 ID 为空。可用类型：${NOTIFICATION_TYPES.join(', ')}`);
    }
  }
  return parsed as Partial<Record<NotificationType, string>>;
}

/** WECHAT_SUBSCRIBE_FIELDS: JSON, template key → title | body | number | time. */
function subscribeFields(value: string | undefined): Record<string, MessageField> {
  if (!nonEmpty(value)) return { ...DEFAULT_SUBSCRIBE_FIELDS };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value!);
  } catch {
    parsed = null;
  }
  const valid =
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Object.keys(parsed).length > 0 &&
    Object.entries(parsed).every(([key, field]) => /^[a-z_]+\d+$/.test(key) && (MESSAGE_FIELDS as readonly unknown[]).includes(field));
  if (!valid) {
    throw new ConfigError(`WECHAT_SUBSCRIBE_FIELDS 应为 JSON 对象，键为模板字段 (如 thing1)，值为 ${MESSAGE_FIELDS.join(' / ')} 之一。`);
  }
  return parsed as Record<string, MessageField>;
}

/** SMS_PROVIDER=tencent and its settings; all of them needed once it is set. */
function smsConfig(env: Env): SmsConfig | null {
  const provider = oneOf(env, 'SMS_PROVIDER', ['tencent'] as const);
  if (!provider) return null;
  const required = (name: string) => {
    const value = nonEmpty(env[name]);
    if (!value) throw new ConfigError(`设置了 SMS_PROVIDER 时必须设置 ${name}。`);
    return value;
  };
  let templates: unknown;
  try {
    templates = JSON.parse(required('SMS_TEMPLATES'));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    templates = null;
  }
  const valid =
    typeof templates === 'object' &&
    templates !== null &&
    !Array.isArray(templates) &&
    Object.keys(templates).length > 0 &&
    Object.entries(templates).every(([type, id]) => isSmsType(type) && typeof id === 'string' && /^\d+$/.test(id));
  if (!valid) throw new ConfigError(`SMS_TEMPLATES 应为 JSON 对象，键为 ${SMS_TYPES.join(' / ')} 之一，值为审核通过的模板 ID (数字)，如 {"claimed":"1234567"}。`);
  return {
    provider,
    apiBase: (env.SMS_API_BASE ?? 'https://sms.tencentcloudapi.com').replace(/\/+$/, ''),
    secretId: required('SMS_SECRET_ID'),
    secretKey: required('SMS_SECRET_KEY'),
    region: nonEmpty(env.SMS_REGION) ?? 'ap-guangzhou',
    appId: required('SMS_SDK_APP_ID'),
    signName: required('SMS_SIGN_NAME'),
    templates: templates as Partial<Record<SmsType, string>>,
    timeoutMs: int(env, 'SMS_TIMEOUT_MS', 5000, 100, 60000),
    dailyLimitPerPhone: int(env, 'SMS_DAILY_LIMIT_PER_PHONE', 20, 1, 1000),
  };
}

/** RATE_LIMITS=off turns them all off; each RATE_LIMIT_* is `<max>/<window>`, the window in s, m or h (`60/10m`). */
function rateLimits(env: Env): RateLimits | null {
  const switched = nonEmpty(env.RATE_LIMITS);
  if (switched === 'off' || switched === 'false') return null;
  if (switched !== undefined && switched !== 'on' && switched !== 'true') throw new ConfigError(`RATE_LIMITS 应为 on 或 off，实际为 "${switched}"。`);
  const limits = { ...DEFAULT_RATE_LIMITS };
  for (const [name, variable] of Object.entries(LIMIT_VARIABLES) as [keyof RateLimits, string][]) {
    const value = nonEmpty(env[variable]);
    if (value === undefined) continue;
    const m = /^(\d+)\s*\/\s*(\d+)\s*(s|m|h)$/.exec(value);
    const max = Number(m?.[1]);
    const windowMs = Number(m?.[2]) * ({ s: 1000, m: MINUTE, h: 60 * MINUTE } as const)[(m?.[3] ?? 's') as 's' | 'm' | 'h'];
    if (!m || max < 1 || windowMs < 1000 || windowMs > 24 * 60 * MINUTE) {
      throw new ConfigError(`${variable} 应为 "次数/时长"，时长以 s、m 或 h 结尾 (1 秒到 24 小时)，如 "60/10m"，实际为 "${value}"。`);
    }
    limits[name] = { max, windowMs };
  }
  return limits;
}

/** TRUST_PROXY: true/false, a number of proxies in front, or a comma-separated list of their addresses (CIDR allowed). */
function trustProxy(value: string | undefined): boolean | number | string[] {
  const v = nonEmpty(value);
  if (v === undefined || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v.split(',').map((a) => a.trim()).filter(Boolean);
  if (!list.every((a) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(a) || ['loopback', 'linklocal', 'uniquelocal'].includes(a))) {
    throw new ConfigError(`TRUST_PROXY 应为 true、false、代理层数或代理地址列表 (如 127.0.0.1,10.0.0.0/8)，实际为 "${v}"。`);
  }
  return list;
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[]): T | undefined {
  const value = nonEmpty(env[name]);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) throw new ConfigError(`${name} 应为 ${values.join(' / ')} 之一，实际为 "${value}"。`);
  return value as T;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = nonEmpty(env[name]);
  if (value === undefined) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(`${name} 应为 true 或 false，实际为 "${value}"。`);
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = nonEmpty(env[name]);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} 应为 ${min} 到 ${max} 之间的整数，实际为 "${value}"。`);
  }
  return n;
}
