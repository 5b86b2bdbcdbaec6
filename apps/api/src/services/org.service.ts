import { ADDRESS_KINDS, pendingTagsFor } from '@minhu/domain';
import type { Contacts, UpdateMeBody } from '@minhu/contracts';
import type { DbHandle, OrgRepository, OrgWriteRepository } from '@minhu/db';
import { AppError, badRequest, notFound } from '../errors.js';
import { routeAt } from './route-ticket.js';
import { covers } from './access.js';
import type { PeopleChanges } from './user-contexts.js';
import type { Viewer } from './viewer.js';

const DAYS_30_MS = 30 * 24 * 3600 * 1000;

/** The organisation as residents and members see it: addresses to pick, teams, who to call. */
export function createOrgService(deps: {
  handle: DbHandle;
  org: OrgRepository;
  write: Pick<OrgWriteRepository, 'audit' | 'auditCount' | 'lockPerson'>;
  people: PeopleChanges;
  /** How often a resident may change their own home in 30 days. */
  homeChangesPer30Days: number;
}) {
  const { handle, org, write, people, homeChangesPer30Days } = deps;
  return {
    async areas(query: { parentId?: string; q?: string }) {
      if (query.q) return { items: await org.searchCompounds(query.q) };
      if (query.parentId && !(await org.area(query.parentId))) throw notFound('区域');
      return { items: await org.addressChildren(query.parentId ?? null) };
    },

    /**
     * A resident's own changes. A new home address is limited (HOME_CHANGES_PER_30_DAYS) and
     * audited, and it is the resident's word, not the register's: who answers for that address in
     * person is not shown for it (contacts below) until the register says so.
     */
    async updateMe(viewer: Viewer, body: UpdateMeBody, now: Date) {
      const { homeAreaId: wanted, specialTags, ...profile } = body;
      const homeAreaId = wanted !== undefined && wanted !== viewer.homeAreaId ? wanted : undefined;
      if (homeAreaId) {
        const area = await org.area(homeAreaId);
        if (!area) throw badRequest('UNKNOWN_AREA', '所选地址不存在。', { field: 'homeAreaId' });
        if (!ADDRESS_KINDS.includes(area.kind)) {
          throw badRequest('ADDRESS_TOO_COARSE', '住址需要选到小区、楼栋或单元。', { field: 'homeAreaId' });
        }
      }
      // Declared tags wait for verification: anyone may tick 高龄, so they raise no priority yet.
      const declared = specialTags ? { pendingTags: pendingTagsFor(specialTags, viewer.specialTags) } : {};
      const changes = { ...profile, ...(homeAreaId ? { homeAreaId } : {}), ...(body.name ? { name: body.name.trim() } : {}), ...declared };
      await handle.db.transaction(async (tx) => {
        if (homeAreaId) {
          await write.lockPerson(tx, viewer.id);
          const since = new Date(now.getTime() - DAYS_30_MS);
          const recent = await write.auditCount(tx, { entity: 'person', entityId: viewer.id, action: 'home_change', actorId: viewer.id, since });
          if (recent >= homeChangesPer30Days) {
            throw new AppError(429, 'RATE_LIMITED', `住址 30 天内最多修改 ${homeChangesPer30Days} 次；需要再改请联系服务队或社区。`, { limit: homeChangesPer30Days });
          }
          await write.audit(tx, [
            {
              actorId: viewer.id,
              at: now,
              entity: 'person',
              entityId: viewer.id,
              action: 'home_change',
              before: { homeAreaId: viewer.homeAreaId, homeDetail: viewer.homeDetail },
              after: { homeAreaId, homeDetail: body.homeDetail ?? viewer.homeDetail },
            },
          ]);
        }
        await org.updateProfile(viewer.id, changes, now, tx);
      });
      people.changed();
    },

    /**
     * Who looks after this person at home: their team, and for a home the register knows (not one
     * the resident only said) the member responsible (包保) and the leader, with their phones.
     */
    async contacts(viewer: Viewer): Promise<Contacts> {
      const none: Contacts = { team: null, responsible: null, leader: null };
      if (!viewer.homeAreaId) return none;
      const routed = await routeAt(org, viewer.homeAreaId, { category: 'help', urgency: 'normal' }, { id: viewer.id, tags: viewer.specialTags });
      const routing = routed?.routing;
      if (!routing?.teamId) return none;
      const [team, members] = await Promise.all([org.team(routing.teamId), org.teamMembers(routing.teamId)]);
      const person = (m: (typeof members)[number] | undefined) => (m ? { id: m.id, name: m.name, phone: m.phone } : null);
      const verified = viewer.homeVerified;
      return {
        team: team ? { id: team.id, name: team.name, phone: team.phone } : null,
        responsible: verified ? person(members.find((m) => m.id === routing.assigneeId)) : null,
        leader: verified ? person(members.find((m) => m.role === 'leader' && m.active)) : null,
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
