import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICIES, DEFAULT_TIME_LIMITS, dueTimes, strictestControlLevel, timeLimitFor, maskPhone } from '@minhu/domain';

describe('time limits', () => {
  it('when no policy is set, then the green-channel defaults apply', () => {
    expect(timeLimitFor([], 'medicine', 'emergency', 'none')).toEqual({ claimWithinSeconds: 600, resolveWithinSeconds: 7200 });
    expect(timeLimitFor([], 'help', 'urgent', 'none')).toEqual(DEFAULT_TIME_LIMITS.urgent);
    expect(timeLimitFor([], 'supplies', 'normal', 'precaution')).toEqual({ claimWithinSeconds: 7200, resolveWithinSeconds: 172800 });
  });

  it('when no policy is set, then 封控区 halves every limit and 管控区 takes three quarters', () => {
    expect(timeLimitFor([], 'supplies', 'normal', 'sealed')).toEqual({ claimWithinSeconds: 3600, resolveWithinSeconds: 86400 });
    expect(timeLimitFor([], 'medical', 'emergency', 'sealed')).toEqual({ claimWithinSeconds: 300, resolveWithinSeconds: 3600 });
    expect(timeLimitFor([], 'medicine', 'urgent', 'controlled')).toEqual({ claimWithinSeconds: 1350, resolveWithinSeconds: 32400 });
    // Every category × urgency has its rows for both levels.
    expect(DEFAULT_POLICIES.filter((p) => p.controlLevel === 'sealed')).toHaveLength(12);
    expect(DEFAULT_POLICIES.filter((p) => p.controlLevel === 'controlled')).toHaveLength(12);
    expect(DEFAULT_POLICIES.filter((p) => p.controlLevel === null)).toHaveLength(12);
  });

  it('when an admin’s set has no row for sealed areas, then their general row applies there (the defaults are replaced whole)', () => {
    const policies = [{ category: 'help' as const, urgency: 'normal' as const, controlLevel: null, claimWithinSeconds: 1800, resolveWithinSeconds: 7200 }];
    expect(timeLimitFor(policies, 'help', 'normal', 'sealed')).toEqual({ claimWithinSeconds: 1800, resolveWithinSeconds: 7200 });
  });

  it('when a policy names the control level, then it wins over the general one', () => {
    const policies = [
      { category: 'medicine' as const, urgency: 'normal' as const, controlLevel: null, claimWithinSeconds: 3600, resolveWithinSeconds: 86400 },
      { category: 'medicine' as const, urgency: 'normal' as const, controlLevel: 'sealed' as const, claimWithinSeconds: 900, resolveWithinSeconds: 14400 },
    ];
    expect(timeLimitFor(policies, 'medicine', 'normal', 'sealed').claimWithinSeconds).toBe(900);
    expect(timeLimitFor(policies, 'medicine', 'normal', 'controlled').claimWithinSeconds).toBe(3600);
  });

  it('computes due times from the filing time', () => {
    const from = new Date('2026-11-28T00:00:00Z');
    expect(dueTimes({ claimWithinSeconds: 60, resolveWithinSeconds: 120 }, from)).toEqual({
      responseDueAt: new Date('2026-11-28T00:01:00Z'),
      resolveDueAt: new Date('2026-11-28T00:02:00Z'),
    });
  });

  it('takes the strictest control level along an address', () => {
    expect(strictestControlLevel(['none', 'sealed', 'controlled'])).toBe('sealed');
    expect(strictestControlLevel([])).toBe('none');
  });

  it('masks phone numbers for people who only supervise', () => {
    expect(maskPhone('13900000001')).toBe('139****0001');
    expect(maskPhone(null)).toBeNull();
  });
});
