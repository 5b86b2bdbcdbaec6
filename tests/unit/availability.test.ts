import { describe, expect, it } from 'vitest';
import { Breaker, DatabaseUnavailableError, isDatabaseUnavailable } from '@minhu/db';

const withCode = (code: string) => Object.assign(new Error(code), { code });
const never = () => new Promise<never>(() => {});

describe('which failures are "the database is unavailable"', () => {
  it('when PostgreSQL refuses, is missing, full, shutting down or the connection is lost, then unavailable (503)', () => {
    for (const code of ['ECONNREFUSED', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'ECONNRESET', '08006', '08001', '53300', '53100', '57P01', '57P03', '55000', '3D000']) {
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(true);
    }
    expect(isDatabaseUnavailable(new DatabaseUnavailableError('down'))).toBe(true);
    // Wrapped, as drizzle wraps the driver's error, or several, as Node's connect does.
    expect(isDatabaseUnavailable(Object.assign(new Error('query failed'), { cause: withCode('55000') }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([withCode('ECONNREFUSED')]))).toBe(true);
  });

  it('when a statement is wrong (constraint, syntax, serialization), then not unavailable (its own answer)', () => {
    for (const code of ['23505', '42601', '40001', '22P02', '57014']) expect(isDatabaseUnavailable(withCode(code)), code).toBe(false);
    expect(isDatabaseUnavailable(new Error('plain'))).toBe(false);
  });
});

describe('the breaker', () => {
  it('when a connection is refused, then what waits fails at once, new work is refused for a while, then let through', async () => {
    let now = 0;
    const breaker = new Breaker({ probeAfterMs: 0, downForMs: 2000, now: () => now });
    const waiting = breaker.run(never);
    await expect(breaker.run(() => Promise.reject(withCode('ECONNREFUSED')))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(waiting).rejects.toBeInstanceOf(DatabaseUnavailableError);
    let started = false;
    await expect(breaker.run(async () => (started = true))).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(started).toBe(false);
    expect(breaker.retryAfterSeconds).toBe(2);
    now = 2000;
    await expect(breaker.run(async () => 'ok')).resolves.toBe('ok');
  });

  it('when a statement is wrong, then the breaker stays closed', async () => {
    const breaker = new Breaker({ probeAfterMs: 0, downForMs: 2000 });
    await expect(breaker.run(() => Promise.reject(withCode('23505')))).rejects.toMatchObject({ code: '23505' });
    expect(breaker.open).toBe(false);
  });

  it('when work waits past probeAfterMs and a fresh connection cannot be made, then it fails as unavailable', async () => {
    const breaker = new Breaker({ probeAfterMs: 5, downForMs: 1000, probe: () => Promise.reject(withCode('CONNECT_TIMEOUT')) });
    await expect(breaker.run(never)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(breaker.open).toBe(true);
  });

  it('when work waits long but the database answers a fresh connection, then it goes on (a slow statement is not an outage)', async () => {
    let probes = 0;
    const breaker = new Breaker({ probeAfterMs: 5, downForMs: 1000, probe: async () => void probes++ });
    let finish!: (value: string) => void;
    const slow = breaker.run(() => new Promise<string>((resolve) => (finish = resolve)));
    await expect.poll(() => probes).toBeGreaterThanOrEqual(2);
    finish('done');
    await expect(slow).resolves.toBe('done');
    expect(breaker.open).toBe(false);
  });
});
