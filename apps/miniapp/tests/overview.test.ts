// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { Ticket } from '@minhu/contracts';
import { median, overviewOf, percent } from '../src/services/overview';
import { aTicket } from './fixtures';

const at = (day: number, hour: number, minute = 0) => new Date(2026, 10, day, hour, minute).toISOString();
const T1 = { id: '00000000-0000-4000-8000-0000000000b1', name: '一队', phone: null };
const T2 = { id: '00000000-0000-4000-8000-0000000000b2', name: '二队', phone: null };

/** A ticket filed on 11/`day` at `hour`:00, to be claimed within 30 minutes. */
function filed(id: string, day: number, hour: number, rest: Partial<Ticket> & { claimedAfter?: number } = {}): Ticket {
  const { claimedAfter, ...overrides } = rest;
  const created = new Date(2026, 10, day, hour);
  const team = overrides.team === undefined ? T1 : overrides.team;
  return aTicket({
    id,
    number: id,
    createdAt: created.toISOString(),
    responseDueAt: new Date(created.getTime() + 30 * 60_000).toISOString(),
    claimedAt: claimedAfter === undefined ? null : new Date(created.getTime() + claimedAfter * 60_000).toISOString(),
    team,
    teamId: team?.id ?? null,
    ...overrides,
  });
}

// Now is 11/28 12:00; the week runs from 11/22 00:00.
const now = new Date(2026, 10, 28, 12, 0);
const week = new Date(2026, 10, 22);

/*
 * Worked out by hand:
 *            filed    claimed (limit 30)  status       rated   team
 *   A        28 08h   +10 on time         in_progress  -       一队
 *   B        28 09h   +60 late            resolved     -       一队
 *   C        28 11:50 no, limit 12:20 not yet passed   assigned  一队
 *   D        27 10h   no, limit passed    assigned, overdue    二队
 *   E        26 10h   +300 late           cancelled    -       二队
 *   F        25 10h   +20 on time         closed       满意    一队
 *   G        24 10h   +25 on time         closed       不满意  二队
 *   I        23 10h   +5 on time          closed       不满意  一队
 *   J        28 11:55 no, not yet due     assigned     -       none
 *   H        10 10h   +1000 late          closed       满意    二队   (before the week)
 * In the week: A B C D E F G I J = 9; not cancelled: 8.
 * 响应率: decided = A B D F G I (C and J not yet due, E cancelled) = 6; on time A F G I = 4 → 2/3.
 * 解决率: resolved or closed B F G I = 4 of 8 → 1/2.
 * 满意率: rated F G I = 3, satisfied F = 1 → 1/3.
 * Claim minutes A10 B60 F20 G25 I5 → 5 10 20 25 60 → median 20.
 */
const tickets = [
  filed('A', 28, 8, { claimedAfter: 10, status: 'in_progress' }),
  filed('B', 28, 9, { claimedAfter: 60, status: 'resolved' }),
  filed('C', 28, 11, { createdAt: at(28, 11, 50), responseDueAt: at(28, 12, 20), status: 'assigned' }),
  filed('D', 27, 10, { status: 'assigned', overdue: true, team: T2 }),
  filed('E', 26, 10, { claimedAfter: 300, status: 'cancelled', team: T2 }),
  filed('F', 25, 10, { claimedAfter: 20, status: 'closed', satisfied: true, rating: 5 }),
  filed('G', 24, 10, { claimedAfter: 25, status: 'closed', satisfied: false, rating: 2, team: T2 }),
  filed('I', 23, 10, { claimedAfter: 5, status: 'closed', satisfied: false, rating: 3 }),
  filed('J', 28, 11, { createdAt: at(28, 11, 55), responseDueAt: at(28, 12, 25), status: 'assigned', team: null }),
  filed('H', 10, 10, { claimedAfter: 1000, status: 'closed', satisfied: true, rating: 5, team: T2 }),
];

describe('overviewOf', () => {
  const o = overviewOf(tickets, now, week);

  it('when counting the week, then tickets filed before it are left out and cancelled ones are counted as filed', () => {
    expect(o.total).toBe(9);
    expect(o.open).toBe(4);
    expect(o.overdue).toBe(1);
    expect(o.resolved).toBe(4);
  });

  it('when working out 响应率, then only tickets claimed or past their claim deadline count, and cancelled ones not at all', () => {
    expect(o.responseRate).toBeCloseTo(2 / 3, 10);
    expect(percent(o.responseRate)).toBe('67%');
  });

  it('when working out 解决率, then resolved and closed tickets count against all not cancelled', () => {
    expect(o.resolutionRate).toBe(0.5);
  });

  it('when working out 满意率, then only rated tickets count', () => {
    expect(o.satisfactionRate).toBeCloseTo(1 / 3, 10);
    expect(percent(o.satisfactionRate)).toBe('33%');
  });

  it('when taking the median time to claim, then it is the middle of the claimed tickets of the week, not cancelled', () => {
    expect(o.medianClaimMinutes).toBe(20);
  });

  it('when showing the daily load, then it has the last 7 days, oldest first', () => {
    expect(o.daily).toEqual([
      { day: '11/22', count: 0 },
      { day: '11/23', count: 1 },
      { day: '11/24', count: 1 },
      { day: '11/25', count: 1 },
      { day: '11/26', count: 1 },
      { day: '11/27', count: 1 },
      { day: '11/28', count: 4 },
    ]);
  });

  it('when listing teams, then the team with overdue work comes first even with fewer open tickets, and unassigned work shows as 未派单', () => {
    expect(o.teams).toEqual([
      { teamId: T2.id, teamName: '二队', open: 1, overdue: 1 },
      { teamId: T1.id, teamName: '一队', open: 2, overdue: 0 },
      { teamId: null, teamName: '未派单', open: 1, overdue: 0 },
    ]);
  });

  it('when teams have no overdue work, then the busier team comes first', () => {
    const calm = overviewOf(
      [
        filed('x1', 28, 8, { status: 'claimed', claimedAfter: 5, team: T1 }),
        filed('x2', 28, 9, { status: 'claimed', claimedAfter: 5, team: T2 }),
        filed('x3', 28, 10, { status: 'in_progress', claimedAfter: 5, team: T2 }),
      ],
      now,
      week,
    );
    expect(calm.teams.map((t) => [t.teamName, t.open])).toEqual([
      ['二队', 2],
      ['一队', 1],
    ]);
  });

  it('when only today is asked for, then the rates are today’s', () => {
    // Today: A (on time), B (late), C and J (not due) → 1 of 2; B resolved of A B C J → 1/4; none rated.
    const today = overviewOf(tickets, now, new Date(2026, 10, 28));
    expect(today.total).toBe(4);
    expect(today.responseRate).toBe(0.5);
    expect(today.resolutionRate).toBe(0.25);
    expect(today.satisfactionRate).toBeNull();
    expect(today.medianClaimMinutes).toBe(35);
  });

  it('when there is nothing to divide, then the rates are null and shown as —', () => {
    const empty = overviewOf([], now, week);
    expect(empty).toMatchObject({ total: 0, open: 0, responseRate: null, resolutionRate: null, satisfactionRate: null, medianClaimMinutes: null });
    expect(empty.daily).toHaveLength(7);
    expect(empty.daily.every((d) => d.count === 0)).toBe(true);
    expect(percent(empty.responseRate)).toBe('—');
  });

  it('when every ticket was cancelled or is not yet due, then no rate is made up', () => {
    const o2 = overviewOf([filed('E', 26, 10, { claimedAfter: 300, status: 'cancelled' })], now, week);
    expect([o2.responseRate, o2.resolutionRate, o2.satisfactionRate]).toEqual([null, null, null]);
    const fresh = overviewOf([filed('C', 28, 11, { createdAt: at(28, 11, 50), responseDueAt: at(28, 12, 20) })], now, week);
    expect(fresh.responseRate).toBeNull();
    expect(fresh.resolutionRate).toBe(0);
  });
});

describe('median', () => {
  it('when the count is odd, then the middle value; when even, the mean of the two middle ones; unsorted input is fine', () => {
    expect(median([40, 5, 20])).toBe(20);
    expect(median([60, 10, 25, 5])).toBe(17.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
  });
});
