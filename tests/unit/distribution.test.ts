import { describe, expect, it } from 'vitest';
import { planDistribution, progressOf, type DistributionArea, type DistributionResident } from '@minhu/domain';

/*
 * Compound X (team tx) → grid G → building 3 (units 1, 2), building 10 (unit 1, with household
 * areas 101 and 102), building 2 without units; compound Y (no team of its own) under community C
 * (team tc) with one empty unit.
 */
const A = (id: string, kind: DistributionArea['kind'], name: string, parent: DistributionArea | null): DistributionArea => ({
  id,
  parentId: parent?.id ?? null,
  kind,
  name,
  path: `${parent?.path ?? '/'}${id}/`,
});
const C = A('C', 'community', '春晖社区', null);
const X = A('X', 'compound', '春晖小区', C);
const G = A('G', 'grid', '一网格', X);
const B3 = A('B3', 'building', '3号楼', G);
const B3U1 = A('B3U1', 'unit', '1单元', B3);
const B3U2 = A('B3U2', 'unit', '2单元', B3);
const B10 = A('B10', 'building', '10号楼', G);
const B10U1 = A('B10U1', 'unit', '1单元', B10);
const H101 = A('H101', 'household', '101室', B10U1);
const H102 = A('H102', 'household', '102室', B10U1);
const B2 = A('B2', 'building', '2号楼', G);
const Y = A('Y', 'compound', '柳树屯', C);
const YB = A('YB', 'building', '东巷', Y);
const YU = A('YU', 'unit', '1单元', YB);
const areas = [C, X, G, B3, B3U1, B3U2, B10, B10U1, H101, H102, B2, Y, YB, YU];

const R = (id: string, home: DistributionArea, detail: string | null, tags: DistributionResident['specialTags'] = []): DistributionResident => ({
  id,
  homeAreaId: home.id,
  homeDetail: detail,
  specialTags: tags,
});
const residents = [
  R('sun', B3U2, '502室'),
  R('sunWife', B3U2, '502室'),
  R('qian', B3U1, '101室', ['elderly', 'living_alone']),
  R('zhou', B3U1, null),
  R('he', H102, null, ['pregnant']),
  R('lone', B2, '1号'),
];
const teams = [
  { id: 'tx', areaId: 'X', categories: [], active: true },
  { id: 'medical', areaId: 'C', categories: ['medical'], active: true },
  { id: 'tc', areaId: 'C', categories: [], active: true },
];

describe('planDistribution', () => {
  it('when a compound has household areas and residents by room, then one line per household, special tags first', () => {
    const plan = planDistribution({ rootId: 'X', areas, residents, teams });
    expect(plan.lines.map((l) => l.address)).toEqual([
      // priority: the tagged households, in address order (3号楼 before 10号楼)
      '3号楼 1单元 101室',
      '10号楼 1单元 102室',
      // then the rest in natural order: 2号楼 before 3号楼 before 10号楼
      '2号楼 1号',
      '3号楼 1单元',
      '3号楼 2单元 502室',
      '10号楼 1单元 101室',
    ]);
    expect(plan.lines.map((l) => l.position)).toEqual([0, 1, 2, 3, 4, 5]);
    const couple = plan.lines.find((l) => l.room === '502室')!;
    expect(couple).toMatchObject({ householdKey: 'r:B3U2:502室', placeId: 'B3U2', buildingId: 'B3', teamId: 'tx', householdAreaId: null, priority: false });
    expect(couple.residentIds).toEqual(['sun', 'sunWife']);
    // A resident without a room is a household of their own.
    expect(plan.lines.find((l) => l.householdKey === 'p:zhou')).toMatchObject({ room: null, placeId: 'B3U1' });
    // A household area is its line, with the residents registered in it.
    expect(plan.lines[1]).toMatchObject({ householdKey: 'a:H102', householdAreaId: 'H102', buildingId: 'B10', specialTags: ['pregnant'], residentIds: ['he'] });
    // The empty household area 101室 is still a door to knock on.
    expect(plan.lines.find((l) => l.householdAreaId === 'H101')).toMatchObject({ residentIds: [] });
    // A building without units counts as its own unit.
    expect(plan.lines.find((l) => l.placeId === 'B2')).toMatchObject({ buildingId: 'B2', room: '1号' });
    expect(plan.unitsWithoutHouseholds).toEqual([]);
  });

  it('when a unit has no household registered, then the round says so instead of skipping it', () => {
    const plan = planDistribution({ rootId: 'C', areas, residents, teams });
    expect(plan.unitsWithoutHouseholds).toEqual([{ areaId: 'YU', address: '东巷 1单元' }]);
    // 柳树屯 has no team of its own: the community's general team covers it (not the medical one).
    expect(plan.lines.every((l) => l.teamId === 'tx')).toBe(true);
    const empty = planDistribution({ rootId: 'Y', areas, residents, teams });
    expect(empty.lines).toEqual([]);
    expect(empty.unitsWithoutHouseholds).toHaveLength(1);
  });

  it('when the round names priority tags, then only those put a household first', () => {
    const plan = planDistribution({ rootId: 'X', areas, residents, teams, priorityTags: ['pregnant'] });
    expect(plan.lines.filter((l) => l.priority).map((l) => l.address)).toEqual(['10号楼 1单元 102室']);
    expect(plan.lines[1]!.address).toBe('2号楼 1号');
  });

  it('when the root is a building, then only its households, and nobody from elsewhere', () => {
    const plan = planDistribution({ rootId: 'B3', areas, residents, teams });
    expect(plan.lines.map((l) => l.address)).toEqual(['3号楼 1单元 101室', '3号楼 1单元', '3号楼 2单元 502室']);
  });

  it('when no team covers an address, then its line has no team', () => {
    const plan = planDistribution({ rootId: 'B3', areas, residents, teams: [] });
    expect(plan.lines.every((l) => l.teamId === null)).toBe(true);
  });

  it('progress: shares of an empty and a half-done round', () => {
    expect(progressOf(0, 0)).toEqual({ total: 0, delivered: 0, pending: 0, share: null });
    expect(progressOf(4, 2)).toEqual({ total: 4, delivered: 2, pending: 2, share: 0.5 });
  });
});
