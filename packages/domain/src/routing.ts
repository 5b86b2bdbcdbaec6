import type { AreaKind, Category, SpecialTag, Urgency } from './model.js';
import { maxUrgency } from './model.js';

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
}

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
}

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

  let assigneeId: string | null = null;
  if (team.teamId !== null) {
    const teamId = team.teamId;
    // Whoever answers for a responsibility now: the member on duty, else their backup on duty.
    const answering = (r: Responsibility): string | null => {
      if (r.teamId !== teamId) return null;
      const member = input.members.get(memberKey(teamId, r.memberId));
      if (!member) return null;
      if (member.onDuty) return r.memberId;
      const backup = member.backupId ? input.members.get(memberKey(teamId, member.backupId)) : undefined;
      return backup?.onDuty ? member.backupId : null;
    };
    // The person first (一对一), then the nearest area: household, unit, building, grid.
    const personId = input.beneficiary.personId;
    const candidates = [
      ...(personId === null ? [] : input.responsibilities.filter((r) => r.personId === personId)),
      ...areaChain.flatMap((area) => input.responsibilities.filter((r) => r.areaId === area.id)),
    ];
    for (const r of candidates) {
      assigneeId = answering(r);
      if (assigneeId) break;
    }
  }

  return { ...team, assigneeId, urgency, compoundId };
}
