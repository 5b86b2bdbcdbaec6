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

const teamX = { id: 'teamX', areaId: 'X', categories: [], active: true, maxOpenPerMember: 8 };
const medical = { id: 'medical', areaId: 'C', categories: ['medical' as const], active: true, maxOpenPerMember: 8 };
const station = { id: 'station', areaId: 'S', categories: [], active: true, maxOpenPerMember: 8 };

const member = (state: Partial<MemberState> = {}): MemberState => ({ onDuty: true, backupId: null, role: 'member', open: 0, lastAssignedAt: null, ...state });
const off = (backupId: string | null) => member({ onDuty: false, backupId });
const onDuty = (...ids: string[]): Map<string, MemberState> => new Map(ids.map((id) => [memberKey('teamX', id), member()]));

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
      assignment: 'responsible',
      alsoAlert: [],
    });
  });

  it('when the unit member is inactive, then the next nearest responsible member (building) is chosen', () => {
    expect(routeTicket(input({ members: onDuty('buildingMember', 'gridMember') })).assigneeId).toBe('buildingMember');
  });

  it('when the unit member is unavailable with a backup on duty, then the backup gets it', () => {
    const members = new Map<string, MemberState>([
      ...onDuty('buildingMember', 'backup'),
      [memberKey('teamX', 'unitMember'), off('backup')],
    ]);
    expect(routeTicket(input({ members })).assigneeId).toBe('backup');
  });

  it('when the unit member and their backup are both unavailable, then the next responsible member', () => {
    const members = new Map<string, MemberState>([
      ...onDuty('buildingMember'),
      [memberKey('teamX', 'unitMember'), off('backup')],
      [memberKey('teamX', 'backup'), off(null)],
    ]);
    expect(routeTicket(input({ members })).assigneeId).toBe('buildingMember');
  });

  it('when nobody responsible is on duty, then the team gets it unassigned', () => {
    const members = new Map<string, MemberState>([...input().members].map(([k]) => [k, off(null)]));
    expect(routeTicket(input({ members }))).toMatchObject({ teamId: 'teamX', assigneeId: null });
  });

  it('when only the grid has someone responsible, then the grid member is the assignee', () => {
    const responsibilities = input().responsibilities.filter((r) => r.areaId === 'G');
    expect(routeTicket(input({ responsibilities })).assigneeId).toBe('gridMember');
  });

  it('when nobody is responsible, then the on-duty member with the fewest open tickets gets it', () => {
    const members = new Map<string, MemberState>([
      [memberKey('teamX', 'busy'), member({ open: 3 })],
      [memberKey('teamX', 'light'), member({ open: 1 })],
      [memberKey('teamX', 'idleButOff'), member({ open: 0, onDuty: false })],
      [memberKey('teamX', 'leader'), member({ open: 0, role: 'leader' })],
    ]);
    const result = routeTicket(input({ responsibilities: [], members }));
    expect(result).toMatchObject({ teamId: 'teamX', assigneeId: 'light', reason: 'compound_team', assignment: 'load' });
  });

  it('when two members carry as many open tickets, then the one given a ticket longest ago (or never) gets it', () => {
    const members = new Map<string, MemberState>([
      [memberKey('teamX', 'recent'), member({ open: 2, lastAssignedAt: new Date('2026-12-01T10:00:00Z') })],
      [memberKey('teamX', 'earlier'), member({ open: 2, lastAssignedAt: new Date('2026-12-01T08:00:00Z') })],
    ]);
    expect(routeTicket(input({ responsibilities: [], members })).assigneeId).toBe('earlier');
    members.set(memberKey('teamX', 'never'), member({ open: 2 }));
    expect(routeTicket(input({ responsibilities: [], members })).assigneeId).toBe('never');
  });

  it('when a member is at the team cap, then routing skips them; everyone at the cap leaves it unassigned, at_capacity', () => {
    const members = new Map<string, MemberState>([
      [memberKey('teamX', 'full'), member({ open: 3 })],
      [memberKey('teamX', 'fuller'), member({ open: 4 })],
      [memberKey('teamX', 'room'), member({ open: 2 })],
    ]);
    const capped = (max: number) => input({ responsibilities: [], members, teams: [{ ...teamX, maxOpenPerMember: max }, medical, station] });
    expect(routeTicket(capped(3))).toMatchObject({ assigneeId: 'room', assignment: 'load' });
    expect(routeTicket(capped(2))).toMatchObject({ teamId: 'teamX', assigneeId: null, assignment: 'at_capacity' });
    const allOff = new Map([...members].map(([k, m]) => [k, { ...m, onDuty: false }]));
    expect(routeTicket(input({ responsibilities: [], members: allOff }))).toMatchObject({ assigneeId: null, assignment: 'nobody_on_duty' });
  });

  it('when the responsible member is on duty, then they get their own address even above the cap (一对一)', () => {
    const members = new Map<string, MemberState>([...onDuty('buildingMember'), [memberKey('teamX', 'unitMember'), member({ open: 20 })]]);
    expect(routeTicket(input({ members }))).toMatchObject({ assigneeId: 'unitMember', assignment: 'responsible' });
  });

  it('when a medical emergency goes to the community medical team, then the 包保 member and the compound leaders are paged too', () => {
    const members = new Map<string, MemberState>([
      ...onDuty('unitMember', 'personMember'),
      [memberKey('teamX', 'leaderX'), member({ role: 'leader' })],
      [memberKey('medical', 'doctor'), member()],
    ]);
    const result = routeTicket(input({ category: 'medical', urgency: 'emergency', members, beneficiary: { personId: 'special', tags: [] } }));
    expect(result).toMatchObject({ teamId: 'medical', assigneeId: 'doctor', reason: 'category_rule' });
    expect(result.alsoAlert).toEqual(['personMember', 'leaderX']);
    // Not an emergency, or the compound's own team takes it: nobody extra.
    expect(routeTicket(input({ category: 'medical', urgency: 'urgent', members })).alsoAlert).toEqual([]);
    expect(routeTicket(input({ category: 'medicine', urgency: 'emergency', members })).alsoAlert).toEqual([]);
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
    // The unit's member belongs to the compound team, and the medical team has nobody on duty here.
    expect(result).toMatchObject({ teamId: 'medical', assigneeId: null, reason: 'category_rule', flagged: false, assignment: 'nobody_on_duty' });
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
    const communityTeam = { id: 'communityTeam', areaId: 'C', categories: [], active: true, maxOpenPerMember: 8 };
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
