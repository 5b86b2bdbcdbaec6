import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_RATE_LIMITS, loadConfig } from '../../apps/api/src/config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'minhu-config-'));
const strong = 'Zq3v8N1x0b7YtK2mP5wR9sD4fG6hJ8kL';

describe('configuration', () => {
  it('when nothing is set, then the embedded demo: PGlite, dev login, demo data, a kept secret', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: undefined, devLogin: true, seedDemo: true, production: false });
    expect(config.jwtSecret).toBe(readFileSync(join(dir, 'jwt-secret'), 'utf8'));
    expect(loadConfig({ DATA_DIR: dir }).jwtSecret).toBe(config.jwtSecret);
  });

  it('when DATABASE_URL is set, then no demo data unless asked', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'postgres://x/y' });
    expect(config.seedDemo).toBe(false);
    expect(config.databasePoolSize).toBe(4);
    expect(loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'postgres://x/y', DATABASE_POOL_SIZE: '12' }).databasePoolSize).toBe(12);
    expect(loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'postgres://x/y', SEED_DEMO: 'true' }).seedDemo).toBe(true);
  });

  it('when in production without a JWT secret, or with a weak one, then it refuses to start', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir() })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'changeme', DATA_DIR: dataDir() })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short', DATA_DIR: dataDir() })).toThrow(/JWT_SECRET/);
  });

  it('when in production, then the dev login is off unless switched on twice (AUTH_DEV_LOGIN and AUTH_DEV_LOGIN_I_UNDERSTAND)', () => {
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: strong }).devLogin).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: strong, AUTH_DEV_LOGIN: 'true' })).toThrow(/AUTH_DEV_LOGIN_I_UNDERSTAND/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: strong, AUTH_DEV_LOGIN: 'true', AUTH_DEV_LOGIN_I_UNDERSTAND: 'false' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: strong, AUTH_DEV_LOGIN: 'true', AUTH_DEV_LOGIN_I_UNDERSTAND: 'maybe' })).toThrow(/AUTH_DEV_LOGIN_I_UNDERSTAND/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: strong, AUTH_DEV_LOGIN: 'true', AUTH_DEV_LOGIN_I_UNDERSTAND: 'true' }).devLogin).toBe(true);
    // Outside production the switch alone is enough (the demo and the tests).
    expect(loadConfig({ DATA_DIR: dataDir(), AUTH_DEV_LOGIN: 'true' }).devLogin).toBe(true);
  });

  it('when RETENTION_DAYS is unset, then nothing is anonymised; set, it is a whole number of days', () => {
    expect(loadConfig({ DATA_DIR: dataDir() })).toMatchObject({ retentionDays: null, retentionBatchSize: 500 });
    expect(loadConfig({ DATA_DIR: dataDir(), RETENTION_DAYS: '180' }).retentionDays).toBe(180);
    expect(() => loadConfig({ DATA_DIR: dataDir(), RETENTION_DAYS: '0' })).toThrow(/RETENTION_DAYS/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), RETENTION_DAYS: 'half a year' })).toThrow(/RETENTION_DAYS/);
  });

  it('when a value is malformed, then it says which and why', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), AUTH_DEV_LOGIN: 'yes' })).toThrow(/AUTH_DEV_LOGIN/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), SLA_SWEEP_INTERVAL_MS: '-5' })).toThrow(/SLA_SWEEP_INTERVAL_MS/);
  });

  it('when WORKERS is more than one, then it needs PostgreSQL: the embedded database is one process\'s', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).workers).toBe(1);
    expect(loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'postgres://x/y', WORKERS: '2' }).workers).toBe(2);
    expect(() => loadConfig({ DATA_DIR: dataDir(), WORKERS: '2' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'postgres://x/y', WORKERS: '0' })).toThrow(/WORKERS/);
  });

  it('when rate limits are set as "max/window", then they replace the defaults; RATE_LIMITS=off turns them off; a bad one names itself', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).rateLimits).toEqual(DEFAULT_RATE_LIMITS);
    const set = loadConfig({ DATA_DIR: dataDir(), RATE_LIMIT_TICKETS_PER_PERSON: '5/30s', RATE_LIMIT_AUTH_PER_IP: '1000/2h' }).rateLimits!;
    expect(set.ticketsPerPerson).toEqual({ max: 5, windowMs: 30_000 });
    expect(set.authPerIp).toEqual({ max: 1000, windowMs: 2 * 3600_000 });
    expect(set.notesPerPerson).toEqual(DEFAULT_RATE_LIMITS.notesPerPerson);
    expect(loadConfig({ DATA_DIR: dataDir(), RATE_LIMITS: 'off' }).rateLimits).toBeNull();
    expect(() => loadConfig({ DATA_DIR: dataDir(), RATE_LIMIT_NOTES_PER_PERSON: 'lots' })).toThrow(/RATE_LIMIT_NOTES_PER_PERSON/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), RATE_LIMIT_NOTES_PER_PERSON: '0/1m' })).toThrow(/RATE_LIMIT_NOTES_PER_PERSON/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), RATE_LIMITS: 'maybe' })).toThrow(/RATE_LIMITS/);
  });

  it('when TRUST_PROXY is set, then true, a number of hops or a list of addresses; anything else is refused', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).trustProxy).toBe(false);
    expect(loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(() => loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: 'nginx please' })).toThrow(/TRUST_PROXY/);
  });

  it('trims a trailing slash from the WeChat base URL', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), WECHAT_API_BASE: 'http://127.0.0.1:9/' }).wechat.apiBase).toBe('http://127.0.0.1:9');
  });
});
