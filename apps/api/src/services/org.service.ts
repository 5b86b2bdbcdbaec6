import { ADDRESS_KINDS, pendingTagsFor } from '@minhu/domain';
import type { Contacts, UpdateMeBody } from '@minhu/contracts';
import type { OrgRepository } from '@minhu/db';
import { badRequest, notFound } from '../errors.js';
import { routeAt } from './route-ticket.js';
import { covers } from './access.js';
import type { PeopleChanges } from './user-contexts.js';
import type { Viewer } from './viewer.js';

/** The organisation as residents and members see it: addresses to pick, teams, who to call. */
export function createOrgService(deps: { org: OrgRepository; people: PeopleChanges }) {
  const { org, people } = deps;
  return {
    async areas(query: { parentId?: string; q?: string }) {
      if (query.q) return { items: await org.searchCompounds(query.q) };
      if (query.parentId && !(await org.area(query.parentId))) throw notFound('区域');
      return { items: await org.addressChildren(query.parentId ?? null) };
    },

    async updateMe(viewer: Viewer, body: UpdateMeBody, now: Date) {
      if (body.homeAreaId) {
        const area = await org.area(body.homeAreaId);
        if (!area) throw badRequest('UNKNOWN_AREA', '所选地址不存在。', { field: 'homeAreaId' });
        if (!ADDRESS_KINDS.includes(area.kind)) {
          throw badRequest('ADDRESS_TOO_COARSE', '住址需要选到小区、楼栋或单元。', { field: 'homeAreaId' });
        }
      }
      const { specialTags, ...profile } = body;
      // Declared tags wait for verification: anyone may tick 高龄, so they raise no priority yet.
      const declared = specialTags ? { pendingTags: pendingTagsFor(specialTags, viewer.specialTags) } : {};
      await org.updateProfile(viewer.id, { ...profile, ...(body.name ? { name: body.name.trim() } : {}), ...declared }, now);
      people.changed();
    },

    /** Who looks after this person at home: their team, the member responsible, the leader. */
    async contacts(viewer: Viewer): Promise<Contacts> {
      const none: Contacts = { team: null, responsible: null, leader: null };
      if (!viewer.homeAreaId) return none;
      const routed = await routeAt(org, viewer.homeAreaId, { category: 'help', urgency: 'normal' }, { id: viewer.id, tags: viewer.specialTags });
      const routing = routed?.routing;
      if (!routing?.teamId) return none;
      const [team, members] = await Promise.all([org.team(routing.teamId), org.teamMembers(routing.teamId)]);
      const person = (m: (typeof members)[number] | undefined) => (m ? { id: m.id, name: m.name, phone: m.phone } : null);
      return {
        team: team ? { id: team.id, name: team.name, phone: team.phone } : null,
        responsible: person(members.find((m) => m.id === routing.assigneeId)),
        leader: person(members.find((m) => m.role === 'leader' && m.active)),
      };
    },

    async teams() {
      return { items: await org.activeTeams() };
    },

    /** A team's members: for its own members, secretaries over its area, and admins. */
    async teamMembers(viewer: Viewer, teamId: string) {
      const team = await org.team(teamId);
      if (!team) throw notFound('服务队');
      const area = await org.area(team.areaId);
      const member = viewer.teams.some((t) => t.id === teamId);
      if (!member && !(area && covers(viewer, area.path))) throw notFound('服务队');
      return { items: await org.teamMembers(teamId) };
    },
  };
}

export type OrgService = ReturnType<typeof createOrgService>;
