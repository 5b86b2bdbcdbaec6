import { relationsOf, type Actor } from '@minhu/domain';
import type { AreaRow, DistributionsRepository, OrgRepository, PeopleRepository, TicketRow, TicketsRepository } from '@minhu/db';
import { notFound } from '../errors.js';
import { machineOf } from './ticket-view.js';
import type { Viewer } from './viewer.js';

/**
 * Who may see what: every service asks here, nobody works it out again. What someone may not see
 * is 404, as if it did not exist (a refusal would tell them it does).
 *
 * A ticket: whoever stands in some relation to it (filer, beneficiary, its team, the secretaries
 * over its area, admins; relationsOf in the domain). An area: admins, and a secretary for their
 * area subtrees.
 */

/**
 * The roots of the area subtrees the viewer oversees: null for every area (an admin), none for
 * someone who is no secretary. The same rule as `covers`, for queries over a whole scope.
 */
export function overseenPaths(viewer: Viewer): string[] | null {
  return viewer.isAdmin ? null : viewer.secretaryAreas.map((a) => a.path);
}

/** Whether the area at `areaPath` lies in the viewer's scope as a secretary (not as an admin). */
const inSecretaryScope = (viewer: Viewer, areaPath: string) => viewer.secretaryAreas.some((a) => areaPath.startsWith(a.path));

/** Whether the viewer oversees the area at `areaPath`: an admin, or a secretary of it or above it. */
export function covers(viewer: Viewer, areaPath: string): boolean {
  return viewer.isAdmin || inSecretaryScope(viewer, areaPath);
}

/** How the viewer stands as an actor towards a ticket at `areaPath` (for the state machine). */
export function actorFor(viewer: Viewer, areaPath: string): Actor {
  return {
    userId: viewer.id,
    teamRoles: new Map(viewer.teams.map((t) => [t.id, t.role])),
    isAdmin: viewer.isAdmin,
    inAreaScope: inSecretaryScope(viewer, areaPath),
  };
}

/** Whether the viewer may see this ticket at all. */
export function canSeeTicket(viewer: Viewer, row: { ticket: TicketRow; areaPath: string }): boolean {
  return relationsOf(machineOf(row.ticket), actorFor(viewer, row.areaPath)).size > 0;
}

/** The ticket read, if there is one and the viewer may see it; otherwise 404. */
export function visibleTicket<T extends { ticket: TicketRow; areaPath: string }>(viewer: Viewer, row: T | null): T {
  if (!row || !canSeeTicket(viewer, row)) throw notFound('工单');
  return row;
}

/**
 * Whose register entries the viewer may read: people living in the subtrees their teams cover
 * (members and leaders), in the areas they are secretary of, or anyone (admins). `leads` are
 * the subtrees of the teams they lead: there they see phone numbers in full and verify tags.
 */
export interface PeopleScope {
  /** Null: everywhere (an admin). */
  paths: string[] | null;
  leads: string[];
  /** Secretaries' subtrees (they verify tags there, phones stay masked). */
  oversees: string[];
}

const under = (paths: readonly string[], path: string) => paths.some((p) => path.startsWith(p));

/** Whether the person living at `homePath` is in the viewer's register scope. */
export const seesPerson = (scope: PeopleScope, homePath: string) => scope.paths === null || under(scope.paths, homePath);

/** Whether the viewer may set verified tags on a person living at `homePath`: leaders, secretaries, admins. */
export const verifiesTags = (scope: PeopleScope, homePath: string) =>
  scope.paths === null || under(scope.leads, homePath) || under(scope.oversees, homePath);

/** Whether the viewer sees a person's phone in full: their 包保 member, the leader over them, admins. */
export const seesPhoneOf = (viewer: Viewer, scope: PeopleScope, person: { homePath: string; responsibleMemberId: string | null }) =>
  viewer.isAdmin || person.responsibleMemberId === viewer.id || under(scope.leads, person.homePath);

/** The checks that need to read something first. */
export function createAccess(deps: {
  tickets: Pick<TicketsRepository, 'view'>;
  org: Pick<OrgRepository, 'area'>;
  people: Pick<PeopleRepository, 'teamPaths'>;
  distributions: Pick<DistributionsRepository, 'photoLines'>;
}) {
  const { tickets, org, people, distributions } = deps;

  /** Whether the viewer leads a team whose area holds the area at `areaPath`. */
  async function leadsOver(viewer: Viewer, areaPath: string): Promise<boolean> {
    for (const team of viewer.teams) {
      if (team.role !== 'leader') continue;
      const teamArea = await org.area(team.areaId);
      if (teamArea && areaPath.startsWith(teamArea.path)) return true;
    }
    return false;
  }

  return {
    /** Whose register entries the viewer may read (see PeopleScope). */
    async peopleScope(viewer: Viewer): Promise<PeopleScope> {
      const oversees = viewer.secretaryAreas.map((a) => a.path);
      const covered = await people.teamPaths(viewer.teams.map((t) => t.id));
      const leading = new Set(viewer.teams.filter((t) => t.role === 'leader').map((t) => t.id));
      return {
        paths: viewer.isAdmin ? null : [...new Set([...covered.map((c) => c.path), ...oversees])],
        leads: covered.filter((c) => leading.has(c.teamId)).map((c) => c.path),
        oversees,
      };
    },

    /** The ticket as the viewer may see it, or 404. */
    async ticket(viewer: Viewer, id: string) {
      return visibleTicket(viewer, await tickets.view(id));
    },

    /** Whether the viewer may see the ticket with this id (false when there is none). */
    async seesTicket(viewer: Viewer, id: string): Promise<boolean> {
      const row = await tickets.view(id);
      return row !== null && canSeeTicket(viewer, row);
    },

    /**
     * Whether the viewer leads a team whose area holds the area at `areaPath` (a leader runs
     * logistics for their compound, as a secretary does for their subtree).
     */
    leadsOver,

    /**
     * Whether the viewer may see a photo of a delivery (健康包 at a door): whoever sees that line
     * of the round, i.e. who runs the round's area (admins, secretaries over it, the leader of a
     * team holding it), the members of the team covering the household, and its residents.
     */
    async seesDeliveryPhoto(viewer: Viewer, uploadId: string): Promise<boolean> {
      for (const line of await distributions.photoLines(uploadId)) {
        if (covers(viewer, line.areaPath) || line.residentIds.includes(viewer.id)) return true;
        if (line.teamId !== null && viewer.teams.some((t) => t.id === line.teamId)) return true;
        if (await leadsOver(viewer, line.areaPath)) return true;
      }
      return false;
    },

    /** The area, if the viewer oversees it; otherwise 404. */
    async area(viewer: Viewer, areaId: string): Promise<AreaRow> {
      const area = await org.area(areaId);
      if (!area || !covers(viewer, area.path)) throw notFound('区域');
      return area;
    },
  };
}

export type Access = ReturnType<typeof createAccess>;
