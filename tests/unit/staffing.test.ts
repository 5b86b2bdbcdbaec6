import { describe, expect, it } from 'vitest';
import { byGap, OPEN_PER_MEMBER, staffingGap } from '@minhu/domain';

describe('staffingGap (力量缺口)', () => {
  it('when needs outrun the members on duty, then the gap is the load above their capacity and says how many to second', () => {
    // 槐树庄: 20 open, 6 of them overdue, 3 key persons nobody looks after, 2 on duty.
    expect(staffingGap({ open: 20, overdue: 6, onDuty: 2, specialUncovered: 3 })).toEqual({
      openPerOnDuty: 10,
      gap: 20 + 6 + 3 - 2 * OPEN_PER_MEMBER,
      membersNeeded: 2,
    });
  });

  it('when a team has room, then the gap is negative and nobody is needed', () => {
    expect(staffingGap({ open: 3, overdue: 0, onDuty: 4, specialUncovered: 0 })).toEqual({ openPerOnDuty: 0.75, gap: 3 - 32, membersNeeded: 0 });
  });

  it('when nobody is on duty, then the whole load is the gap and the load per member is unknown', () => {
    expect(staffingGap({ open: 1, overdue: 1, onDuty: 0, specialUncovered: 0 })).toEqual({ openPerOnDuty: null, gap: 2, membersNeeded: 1 });
    expect(staffingGap({ open: 0, overdue: 0, onDuty: 0, specialUncovered: 0 })).toEqual({ openPerOnDuty: null, gap: 0, membersNeeded: 0 });
  });

  it('sorts by gap, then by load per member on duty (nobody on duty first), then by name', () => {
    const rows = [
      { areaName: '幸福里小区', gap: -20, openPerOnDuty: 1 },
      { areaName: '槐树庄', gap: 13, openPerOnDuty: 10 },
      { areaName: '和平苑小区', gap: 2, openPerOnDuty: 3 },
      { areaName: '纺织厂家属院', gap: 2, openPerOnDuty: null },
    ];
    expect([...rows].sort(byGap).map((r) => r.areaName)).toEqual(['槐树庄', '纺织厂家属院', '和平苑小区', '幸福里小区']);
  });
});
