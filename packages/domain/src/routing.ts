import type { AreaKind, Category, SpecialTag, TeamRole, Urgency } from './model.js';
import { maxUrgency } from './model.js';
import { OPEN_PER_MEMBER } from './staffing.js';

/**
 * Routing: which team gets a new ticket, and which member first. A pure function over the
 * organisation around the ticket's address; the database only gathers these inputs.
 */

export interface RoutingArea {
  id: string;
  kind: AreaKind;
  /** A team named to catch tickets that find no team (the community's default team). */
  defaultTeamId: string | null;
}

export interface RoutingTeam {
  id: string;
  areaId: string;
  /** Empty: the area's general service team. Otherwise: a team for these categories only. */
  categories: readonly Category[];
  active: boolean;
  /** No member is given more open tickets than this by load (负载均衡). */
  maxOpenPerMember: number;
}

/** A team's cap on each member's open tickets unless it sets its own (PUT /teams/:id). */
export const DEFAULT_MAX_OPEN_PER_MEMBER = OPEN_PER_MEMBER;

export interface CategoryRule {
  areaId: string;
  category: Category;
  teamId: string;
}

/** 包保: a named member responsible for an area (grid, building, unit, household) or a person. */
export interface Responsibility {
  teamId: string;
  memberId: string;
  areaId: string | null;
  personId: string | null;
}

export interface RoutingInput {
  /** The ticket's address and its ancestors, nearest first: [unit, building, grid, compound, ...]. */
  areaChain: readonly RoutingArea[];
  category: Category;
  urgency: Urgency;
  /** The person the ticket is for, when they are known to the system. */
  beneficiary: { personId: string | null; tags: readonly SpecialTag[] };
  teams: readonly RoutingTeam[];
  categoryRules: readonly CategoryRule[];
  /** Responsibilities for the areas of the chain and for the beneficiary, in priority order. */
  responsibilities: readonly Responsibility[];
  /** Members still on each team, by "teamId:userId": whether on duty now, and their backup. */
  members: ReadonlyMap<string, MemberState>;
}

export interface MemberState {
  onDuty: boolean;
  backupId: string | null;
  role: TeamRole;
  /** Open tickets (assigned, claimed, in progress) assigned to them now, in any team. */
  open: number;
  /** When routing last gave them a ticket by load. */
  lastAssignedAt: Date | null;
}

/**
 * How the member was found: the one who answers for the person or the address (包保, or their
 * backup), or the least loaded member on duty; or why nobody: everyone on duty is at the team's
 * cap, or nobody is on duty.
 */
export type AssignmentBasis = 'responsible' | 'load' | 'at_capacity' | 'nobody_on_duty';

export type RouteReason =
  | 'category_rule'
  | 'compound_team'
  | 'ancestor_team'
  | 'default_team'
  | 'unrouted';

export interface RoutingResult {
  teamId: string | null;
  assigneeId: string | null;
  reason: RouteReason;
  /** Needs a person to look at it: it reached no team of its own area. */
  flagged: boolean;
  urgency: Urgency;
  /** The compound the address belongs to, if any. */
  compoundId: string | null;
  /** How the assignee was chosen, or why there is none (null: no team). */
  assignment: AssignmentBasis | null;
  /**
   * People to page at once besides the team's own audiences: for a medical emergency taken by a
   * team other than the compound's (a community's 就医保障队), the person's 包保 member and the
   * compound team's leaders, who are nearest and know them.
   */
  alsoAlert: string[];
}

export const memberKey = (teamId: string, userId: string): string => `${teamId}:${userId}`;

export function routeTicket(input: RoutingInput): RoutingResult {
  const { areaChain, category } = input;
  const activeTeams = new Map(input.teams.filter((t) => t.active).map((t) => [t.id, t]));
  const compoundIndex = areaChain.findIndex((a) => a.kind === 'compound');
  const compoundId = compoundIndex === -1 ? null : areaChain[compoundIndex]!.id;

  const urgency =
    input.beneficiary.tags.length > 0 ? maxUrgency(input.urgency, 'urgent') : input.urgency;

  const pick = (): Pick<RoutingResult, 'teamId' | 'reason' | 'flagged'> => {
    // 1. A category rule on the nearest area that has one for this category.
    for (const area of areaChain) {
      const rule = input.categoryRules.find(
        (r) => r.areaId === area.id && r.category === category && activeTeams.has(r.teamId),
      );
      if (rule) return { teamId: rule.teamId, reason: 'category_rule', flagged: false };
    }
    // 2. The general team of the nearest area that has one: the compound's, or up the tree.
    for (const [index, area] of areaChain.entries()) {
      const team = [...activeTeams.values()].find(
        (t) => t.areaId === area.id && t.categories.length === 0,
      );
      if (team) {
        const own = compoundIndex === -1 || index <= compoundIndex;
        return { teamId: team.id, reason: own ? 'compound_team' : 'ancestor_team', flagged: false };
      }
    }
    // 3. The default team named by the nearest area (the community), flagged for a person.
    for (const area of areaChain) {
      if (area.defaultTeamId && activeTeams.has(area.defaultTeamId)) {
        return { teamId: area.defaultTeamId, reason: 'default_team', flagged: true };
      }
    }
    // 4. Nobody: kept, flagged, and visible to the area's secretaries and admins.
    return { teamId: null, reason: 'unrouted', flagged: true };
  };
  const team = pick();

  // Whoever answers for a responsibility now: the member on duty, else their backup on duty.
  const answering = (r: Responsibility): string | null => {
    const member = input.members.get(memberKey(r.teamId, r.memberId));
    if (!member) return null;
    if (member.onDuty) return r.memberId;
    const backup = member.backupId ? input.members.get(memberKey(r.teamId, member.backupId)) : undefined;
    return backup?.onDuty ? member.backupId : null;
  };
  // The person first (一对一), then the nearest area: household, unit, building, grid.
  const personId = input.beneficiary.personId;
  const candidates = [
    ...(personId === null ? [] : input.responsibilities.filter((r) => r.personId === personId)),
    ...areaChain.flatMap((area) => input.responsibilities.filter((r) => r.areaId === area.id)),
  ];
  const firstAnswering = (rs: readonly Responsibility[]): string | null => {
    for (const r of rs) {
      const who = answering(r);
      if (who) return who;
    }
    return null;
  };

  let assigneeId: string | null = null;
  let assignment: AssignmentBasis | null = null;
  if (team.teamId !== null) {
    const teamId = team.teamId;
    assigneeId = firstAnswering(candidates.filter((r) => r.teamId === teamId));
    if (assigneeId) assignment = 'responsible';
    else {
      const picked = leastLoaded(input, teamId, activeTeams.get(teamId)!.maxOpenPerMember);
      assigneeId = picked.memberId;
      assignment = picked.basis;
    }
  }

  // A medical emergency taken by another team (the community's medical team) also pages the
  // person's 包保 member, whatever team they are in, and the compound team's leaders.
  const alsoAlert: string[] = [];
  if (category === 'medical' && urgency === 'emergency' && compoundId !== null) {
    const compoundTeam = [...activeTeams.values()].find((t) => t.areaId === compoundId && t.categories.length === 0);
    if (compoundTeam?.id !== team.teamId) {
      const responsible = firstAnswering(candidates);
      if (responsible && responsible !== assigneeId) alsoAlert.push(responsible);
      if (compoundTeam) {
        for (const [key, m] of input.members) {
          const [memberTeam, userId] = key.split(':') as [string, string];
          if (memberTeam === compoundTeam.id && m.role === 'leader' && !alsoAlert.includes(userId)) alsoAlert.push(userId);
        }
      }
    }
  }

  return { ...team, assigneeId, urgency, compoundId, assignment, alsoAlert };
}

/**
 * 负载均衡: the member of the team on duty with the fewest open tickets (ties: the one given a
 * ticket longest ago, never given one first), below the team's cap. Leaders dispatch, so they are
 * not picked. Nobody below the cap: unassigned, and the leader is told (the service's `unassigned`).
 */
export function leastLoaded(
  input: Pick<RoutingInput, 'members'>,
  teamId: string,
  maxOpenPerMember: number,
): { memberId: string | null; basis: 'load' | 'at_capacity' | 'nobody_on_duty' } {
  let best: { id: string; state: MemberState } | null = null;
  let onDuty = 0;
  const prefix = `${teamId}:`;
  for (const [key, state] of input.members) {
    if (!key.startsWith(prefix) || state.role !== 'member' || !state.onDuty) continue;
    onDuty++;
    if (state.open >= maxOpenPerMember) continue;
    const id = key.slice(prefix.length);
    if (best === null || lessLoaded({ id, state }, best)) best = { id, state };
  }
  if (best) return { memberId: best.id, basis: 'load' };
  return { memberId: null, basis: onDuty > 0 ? 'at_capacity' : 'nobody_on_duty' };
}

function lessLoaded(a: { id: string; state: MemberState }, b: { id: string; state: MemberState }): boolean {
  if (a.state.open !== b.state.open) return a.state.open < b.state.open;
  const at = (s: MemberState) => s.lastAssignedAt?.getTime() ?? -Infinity;
  if (at(a.state) !== at(b.state)) return at(a.state) < at(b.state);
  return a.id < b.id;
}
