import { describe, expect, it } from 'vitest';
import { newId } from '@minhu/db';

describe('newId (UUID version 7)', () => {
  it('carries the time, the version and the variant', () => {
    const at = Date.parse('2026-11-29T02:00:00.123Z');
    const id = newId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('orders by time, and never repeats across many refills of its random pool', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => newId(1_700_000_000_000 + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    const times = ids.map((id) => id.slice(0, 13));
    expect([...times].sort()).toEqual(times);
  });

  it('draws different random bits each time', () => {
    const tails = new Set(Array.from({ length: 1000 }, () => newId(0).slice(14)));
    expect(tails.size).toBe(1000);
  });
});
