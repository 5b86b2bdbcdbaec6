import { describe, expect, it } from 'vitest';
import { memberKey, routeTicket, type MemberState, type RoutingInput } from '@minhu/domain';

/*
 * A small tree:  district D → community C (default team: station) → compound X → grid G →
 * building B → unit U, and compound Y (no team of its own) in the same community.
 */
const chainX = [
  { id: 'U', kind: 'unit' as const, defaultTeamId: null },
  { id: 'B', kind: 'building' as const, defaultTeamId: null },
  { id: 'G', kind: 'grid' as const, defaultTeamId: null },
  { id: 'X', kind: 'compound' as const, defaultTeamId: null },
  { id: 'C', kind: 'community' as const, defaultTeamId: 'station' },
  { id: 'D', kind: 'district' as const, defaultTeamId: null },
];
const chainY = [{ id: 'Y', kind: 'compound' as const, defaultTeamId: null }, ...chainX.slice(4)];

const teamX = { id: 'teamX', areaId: 'X', categories: [], active: true };
const medical = { id: 'medical', areaId: 'C', categories: ['medical' as const], active: true };
const station = { id: 'station', areaId: 'S', categories: [], active: true };

const onDuty = (...ids: string[]): Map<string, MemberState> => new Map(ids.map((id) => [memberKey('teamX', id), { onDuty: true, backupId: null }]));

function input(overrides: Partial<RoutingInput> = {}): RoutingInput {
  return {
    areaChain: chainX,
    category: 'medicine',
    urgency: 'normal',
    beneficiary: { personId: 'resident', tags: [] },
    teams: [teamX, medical, station],
    categoryRules: [{ areaId: 'C', category: 'medical', teamId: 'medical' }],
    responsibilities: [
      { teamId: 'teamX', memberId: 'unitMember', areaId: 'U', personId: null },
      { teamId: 'teamX', memberId: 'buildingMember', areaId: 'B', personId: null },
      { teamId: 'teamX', memberId: 'gridMember', areaId: 'G', personId: null },
      { teamId: 'teamX', memberId: 'personMember', areaId: null, personId: 'special' },
    ],
    members: onDuty('unitMember', 'buildingMember', 'gridMember', 'personMember'),
    ...overrides,
  };
}

describe('routing', () => {
  it('when the unit has a responsible member, then the compound team gets it with that member', () => {
    expect(routeTicket(input())).toEqual({
      teamId: 'teamX',
      assigneeId: 'unitMember',
      reason: 'compound_team',
      flagged: false,
      urgency: 'normal',
      compoundId: 'X',
    });
  });

  it('when the unit member is inactive, then the next nearest responsible member (building) is chosen', () => {
    expect(routeTicket(input({ members: onDuty('buildingMember', 'gridMember') })).assigneeId).toBe('buildingMember');
  });

  it('when the unit member is unavailable with a backup on duty, then the backup gets it', () => {
    const members = new Map<string, MemberState>([
      ...onDuty('buildingMember', 'backup'),
      [memberKey('teamX', 'unitMember'), { onDuty: false, backupId: 'backup' }],
    ]);
    expect(routeTicket(input({ members })).assigneeId).toBe('backup');
  });

  it('when the unit member and their backup are both unavailable, then the next responsible member', () => {
    const members = new Map<string, MemberState>([
      ...onDuty('buildingMember'),
      [memberKey('teamX', 'unitMember'), { onDuty: false, backupId: 'backup' }],
      [memberKey('teamX', 'backup'), { onDuty: false, backupId: null }],
    ]);
    expect(routeTicket(input({ members })).assigneeId).toBe('buildingMember');
  });

  it('when nobody responsible is on duty, then the team gets it unassigned', () => {
    const members = new Map<string, MemberState>([...input().members].map(([k]) => [k, { onDuty: false, backupId: null }]));
    expect(routeTicket(input({ members }))).toMatchObject({ teamId: 'teamX', assigneeId: null });
  });

  it('when only the grid has someone responsible, then the grid member is the assignee', () => {
    const responsibilities = input().responsibilities.filter((r) => r.areaId === 'G');
    expect(routeTicket(input({ responsibilities })).assigneeId).toBe('gridMember');
  });

  it('when nobody is responsible, then the team gets it unassigned', () => {
    const result = routeTicket(input({ responsibilities: [] }));
    expect(result).toMatchObject({ teamId: 'teamX', assigneeId: null, reason: 'compound_team' });
  });

  it('when the beneficiary has their own responsible member (包保), then that member comes first', () => {
    const result = routeTicket(input({ beneficiary: { personId: 'special', tags: ['living_alone'] } }));
    expect(result).toMatchObject({ teamId: 'teamX', assigneeId: 'personMember' });
  });

  it('when the beneficiary is a special person, then urgency is raised to at least urgent', () => {
    const tags = { personId: 'special', tags: ['dialysis' as const] };
    expect(routeTicket(input({ beneficiary: tags })).urgency).toBe('urgent');
    expect(routeTicket(input({ beneficiary: tags, urgency: 'emergency' })).urgency).toBe('emergency');
    expect(routeTicket(input({ urgency: 'normal' })).urgency).toBe('normal');
  });

  it('when a category rule covers the subtree, then that category goes to the specialised team', () => {
    const result = routeTicket(input({ category: 'medical' }));
    // The unit's member belongs to the compound team, so the medical team gets it unassigned.
    expect(result).toMatchObject({ teamId: 'medical', assigneeId: null, reason: 'category_rule', flagged: false });
  });

  it('when the rule names an inactive team, then the ordinary routing applies', () => {
    const result = routeTicket(input({ category: 'medical', teams: [teamX, { ...medical, active: false }, station] }));
    expect(result).toMatchObject({ teamId: 'teamX', reason: 'compound_team' });
  });

  it('when a nearer area has its own rule, then the nearer rule wins', () => {
    const rules = [
      { areaId: 'C', category: 'medical' as const, teamId: 'medical' },
      { areaId: 'X', category: 'medical' as const, teamId: 'teamX' },
    ];
    expect(routeTicket(input({ category: 'medical', categoryRules: rules })).teamId).toBe('teamX');
  });

  it('when the compound has no team, then the nearest ancestor area’s team takes it', () => {
    const communityTeam = { id: 'communityTeam', areaId: 'C', categories: [], active: true };
    const result = routeTicket(input({ areaChain: chainY, teams: [teamX, communityTeam, station], responsibilities: [] }));
    expect(result).toMatchObject({ teamId: 'communityTeam', reason: 'ancestor_team', flagged: false, compoundId: 'Y' });
  });

  it('when no area up the tree has a team, then the community’s default team gets it, flagged', () => {
    const result = routeTicket(input({ areaChain: chainY, responsibilities: [] }));
    expect(result).toMatchObject({ teamId: 'station', reason: 'default_team', flagged: true, assigneeId: null });
  });

  it('when there is not even a default team, then it is kept unrouted and flagged', () => {
    const result = routeTicket(input({ areaChain: chainY, teams: [], responsibilities: [] }));
    expect(result).toMatchObject({ teamId: null, assigneeId: null, reason: 'unrouted', flagged: true });
  });

  it('when the compound team is inactive, then it falls back like a compound without a team', () => {
    const result = routeTicket(input({ teams: [{ ...teamX, active: false }, station] }));
    expect(result).toMatchObject({ teamId: 'station', reason: 'default_team', assigneeId: null });
  });
});
