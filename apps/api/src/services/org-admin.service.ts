import { randomInt } from 'node:crypto';
import { DEFAULT_MAX_OPEN_PER_MEMBER, type Availability, type Category, type DutyRole, type TeamRole } from '@minhu/domain';
import { newId, type DbHandle, type OrgRepository, type OrgWriteRepository, type TeamRecord } from '@minhu/db';
import { AppError, badRequest, conflict, forbidden, notFound } from '../errors.js';
import { importOrganisation, type ImportFile } from '../org-import/importer.js';
import { covers, type Access } from './access.js';
import type { PeopleChanges } from './user-contexts.js';
import type { Viewer } from './viewer.js';

type Tx = Parameters<Parameters<DbHandle['db']['transaction']>[0]>[0];

/** Invite codes: no 0/O or 1/I, easy to read out and to put in a QR code. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const newCode = () => Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');

/**
 * Setting up and keeping the organisation current. Who may do what:
 * admins everything; secretaries anything within their area subtree; a team's leader its
 * members, responsibilities, invites and join requests; a member only their own availability.
 * Every change writes an audit entry (who, when, before, after) in the same transaction.
 */
export function createOrgAdminService(deps: {
  handle: DbHandle;
  org: OrgRepository;
  write: OrgWriteRepository;
  access: Pick<Access, 'area'>;
  people: PeopleChanges;
}) {
  const { handle, org, write, access, people } = deps;

  /**
   * A write that changes who someone is (their account, teams, roles, areas): once it has
   * committed, the signed-in people kept in this process are forgotten, so that the next request
   * sees the change (other processes hear of it from the database).
   */
  async function changingPeople<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await handle.db.transaction(work);
    people.changed();
    return result;
  }

  /** The team and how the viewer stands to it; 404 when it is none of their business. */
  async function teamFor(viewer: Viewer, teamId: string) {
    const team = await write.teamById(teamId);
    const area = team ? await org.area(team.areaId) : null;
    if (!team || !area) throw notFound('服务队');
    const supervises = covers(viewer, area.path);
    const role = viewer.teams.find((t) => t.id === teamId)?.role;
    if (!supervises && !role) throw notFound('服务队');
    return { team, area, supervises, leads: supervises || role === 'leader', member: role !== undefined };
  }

  const requireLead = (standing: { leads: boolean }) => {
    if (!standing.leads) throw forbidden('只有队长、书记或管理员可以这样做。');
  };

  return {
    async import(viewer: Viewer, files: ImportFile[], dryRun: boolean, now: Date) {
      if (!viewer.isAdmin) throw forbidden('只有管理员可以导入组织台账。');
      const report = await importOrganisation({ handle, org: write }, files, { dryRun, actorId: viewer.id, now });
      if (report.applied) people.changed();
      return report;
    },

    async areaDetail(viewer: Viewer, areaId: string) {
      const area = await access.area(viewer, areaId);
      const [children, teams, coverage] = await Promise.all([
        org.addressChildren(area.id),
        org.activeTeams().then((all) => all.filter((t) => t.areaId === area.id)),
        write.coverage(area.path, 50),
      ]);
      return {
        area: { id: area.id, name: area.name, kind: area.kind, controlLevel: area.controlLevel },
        children,
        teams,
        coverage: {
          uncoveredUnits: coverage.units[0]?.total ?? 0,
          uncoveredPeople: coverage.people[0]?.total ?? 0,
          units: coverage.units.map((u) => ({ id: u.id, name: `${u.parent_name} ${u.name}` })),
          people: coverage.people.map((p) => ({ id: p.id, name: p.name, tags: p.special_tags, home: p.home_name })),
        },
      };
    },

    /** 管控级别: new tickets there get that level's time limits from then on. */
    async setControlLevel(viewer: Viewer, areaId: string, controlLevel: 'none' | 'precaution' | 'controlled' | 'sealed', now: Date) {
      const area = await access.area(viewer, areaId);
      if (area.controlLevel === controlLevel) return { id: area.id, controlLevel };
      await changingPeople(async (tx) => {
        await write.updateArea(tx, area.id, { controlLevel });
        await write.audit(tx, [{ actorId: viewer.id, at: now, entity: 'area', entityId: area.id, action: 'control_level', before: { controlLevel: area.controlLevel }, after: { controlLevel } }]);
      });
      return { id: area.id, controlLevel };
    },

    async createTeam(viewer: Viewer, body: { name: string; areaId: string; categories?: Category[]; phone?: string; code?: string }, now: Date) {
      await access.area(viewer, body.areaId);
      const team: Omit<TeamRecord, 'active' | 'maxOpenPerMember'> = {
        id: newId(now.getTime()),
        code: body.code ?? null,
        name: body.name.trim(),
        areaId: body.areaId,
        categories: body.categories ?? [],
        phone: body.phone ?? null,
      };
      await handle.db.transaction(async (tx) => {
        if (team.code && (await write.teamsByCode([team.code], tx)).length > 0) throw conflict('DUPLICATE_CODE', `编码“${team.code}”已被其他服务队使用。`);
        await write.insertTeam(tx, team);
        await write.audit(tx, [{ actorId: viewer.id, at: now, entity: 'team', entityId: team.id, action: 'create', before: null, after: team }]);
      });
      return { ...team, active: true, maxOpenPerMember: DEFAULT_MAX_OPEN_PER_MEMBER };
    },

    async updateTeam(
      viewer: Viewer,
      teamId: string,
      body: { name?: string; categories?: Category[]; phone?: string | null; active?: boolean; maxOpenPerMember?: number },
      now: Date,
    ) {
      const { team, supervises } = await teamFor(viewer, teamId);
      if (!supervises) throw forbidden('只有书记或管理员可以修改服务队。');
      const before = Object.fromEntries(Object.keys(body).map((k) => [k, team[k as keyof TeamRecord]]));
      await changingPeople(async (tx) => {
        await write.updateTeam(tx, teamId, body);
        await write.audit(tx, [{ actorId: viewer.id, at: now, entity: 'team', entityId: teamId, action: 'update', before, after: body }]);
      });
      return { ...team, ...body };
    },

    /** Adds someone by phone (a new person is created with the name given). */
    async addMember(viewer: Viewer, teamId: string, body: { name: string; phone: string; role?: TeamRole; dutyRoles?: DutyRole[] }, now: Date) {
      const standing = await teamFor(viewer, teamId);
      requireLead(standing);
      return changingPeople(async (tx) => {
        let [person] = await write.peopleBy('phone', [body.phone], tx);
        if (!person) {
          person = { id: newId(now.getTime()), name: body.name.trim(), phone: body.phone, code: null, homeAreaId: null, homeDetail: null, specialTags: [], isAdmin: false };
          await write.insertPerson(tx, person, now);
        }
        await this.checkOneGeneralTeam(tx, person.id, standing.team);
        await write.upsertMembership(tx, { teamId, userId: person.id, role: body.role ?? 'member', dutyRoles: body.dutyRoles ?? [], joinedAt: now });
        await write.audit(tx, [{ actorId: viewer.id, at: now, entity: 'member', entityId: `${teamId}:${person.id}`, action: 'create', before: null, after: { phone: body.phone, role: body.role ?? 'member' } }]);
        return { userId: person.id };
      });
    },

    async checkOneGeneralTeam(tx: Tx, userId: string, team: TeamRecord) {
      if (team.categories.length > 0) return;
      const other = (await write.membershipsOf([userId], tx)).find((m) => m.active && m.general && m.teamId !== team.id);
      if (other) throw conflict('ALREADY_IN_A_TEAM', `此人已是“${other.teamName}”的队员，一个人只能加入一支综合服务队。`);
    },

    /**
     * Changes a membership. Members may change only their own availability (and backup);
     * leaders, secretaries and admins anything about the team's members.
     */
    async updateMember(
      viewer: Viewer,
      teamId: string,
      userId: string,
      body: { role?: TeamRole; dutyRoles?: DutyRole[]; active?: boolean; availability?: Availability; backupMemberId?: string | null; availabilityNote?: string | null },
      now: Date,
    ) {
      const standing = await teamFor(viewer, teamId);
      const self = userId === viewer.id;
      const onlyAvailability = Object.keys(body).every((k) => ['availability', 'backupMemberId', 'availabilityNote'].includes(k));
      if (!standing.leads && !(self && onlyAvailability)) throw forbidden('队员只能修改自己的在岗状态。');
      const members = await org.teamMembers(teamId);
      const current = members.find((m) => m.id === userId);
      if (!current) throw notFound('队员');
      if (body.backupMemberId) {
        const backup = members.find((m) => m.id === body.backupMemberId);
        if (!backup || !backup.active || body.backupMemberId === userId) {
          throw badRequest('INVALID_BACKUP', '替班队员须是本队其他在队的队员。', { field: 'backupMemberId' });
        }
      }
      await changingPeople(async (tx) => {
        if (body.role || body.dutyRoles || body.active !== undefined) {
          await write.upsertMembership(tx, {
            teamId,
            userId,
            role: body.role ?? current.role,
            dutyRoles: (body.dutyRoles ?? current.dutyRoles) as DutyRole[],
            active: body.active ?? current.active,
            joinedAt: now,
          });
        }
        if (body.availability || body.backupMemberId !== undefined || body.availabilityNote !== undefined) {
          await write.setAvailability(tx, teamId, userId, {
            availability: body.availability ?? current.availability,
            backupMemberId: body.backupMemberId === undefined ? current.backupMemberId : body.backupMemberId,
            availabilityNote: body.availabilityNote === undefined ? current.availabilityNote : body.availabilityNote,
          });
        }
        const before = Object.fromEntries(Object.keys(body).map((k) => [k, current[k as keyof typeof current]]));
        await write.audit(tx, [{ actorId: viewer.id, at: now, entity: 'member', entityId: `${teamId}:${userId}`, action: 'update', before, after: body }]);
      });
      return (await org.teamMembers(teamId)).find((m) => m.id === userId)!;
    },

    async responsibilities(viewer: Viewer, teamId: string) {
      await teamFor(viewer, teamId);
      const rows = await write.responsibilitiesOf(teamId);
      return {
        items: rows.map((r) => ({
          id: r.id,
          memberId: r.member_id,
          memberName: r.member_name,
          target: r.area_id ? { kind: 'area' as const, id: r.area_id, name: r.area_name! } : { kind: 'person' as const, id: r.person_id!, name: r.person_name! },
        })),
      };
    },

    async addResponsibility(viewer: Viewer, body: { teamId: string; memberId: string; areaId?: string; personId?: string }, now: Date) {
      const standing = await teamFor(viewer, body.teamId);
      requireLead(standing);
      if (Boolean(body.areaId) === Boolean(body.personId)) throw badRequest('INVALID_TARGET', '包保对象请选一个区域或一个人。');
      const members = await org.teamMembers(body.teamId);
      if (!members.some((m) => m.id === body.memberId && m.active)) throw badRequest('NOT_A_MEMBER', '只能安排本队在队的队员包保。', { field: 'memberId' });
      if (body.areaId) {
        const target = await org.area(body.areaId);
        if (!target || !target.path.startsWith(standing.area.path) || !['grid', 'building', 'unit', 'household'].includes(target.kind)) {
          throw badRequest('INVALID_TARGET', '包保区域须是本队辖区内的网格、楼栋、单元或户。', { field: 'areaId' });
        }
      }
      if (body.personId && !(await org.userContext(body.personId))) throw badRequest('INVALID_TARGET', '包保的人员不存在。', { field: 'personId' });
      return handle.db.transaction(async (tx) => {
        if (await write.responsibilityExists(body.teamId, body.memberId, body.areaId ? { areaId: body.areaId } : { personId: body.personId! }, tx)) {
          throw conflict('ALREADY_RESPONSIBLE', '这位队员已包保这个对象。');
        }
        const id = await write.addResponsibility(tx, { teamId: body.teamId, memberId: body.memberId, areaId: body.areaId ?? null, personId: body.personId ?? null }, now);
        await write.audit(tx, [{ actorId: viewer.id, at: now, entity: 'responsibility', entityId: id, action: 'create', before: null, after: body }]);
        return { id };
      });
    },

    async removeResponsibility(viewer: Viewer, id: string, now: Date) {
      const existing = await write.responsibility(id);
      if (!existing) throw notFound('包保关系');
      requireLead(await teamFor(viewer, existing.teamId));
      await handle.db.transaction(async (tx) => {
        await write.removeResponsibility(tx, id);
        await write.audit(tx, [{ actorId: viewer.id, at: now, entity: 'responsibility', entityId: id, action: 'delete', before: existing, after: null }]);
      });
      return { removed: true };
    },

    async createInvite(viewer: Viewer, teamId: string, body: { hours?: number; maxUses?: number }, now: Date) {
      const standing = await teamFor(viewer, teamId);
      requireLead(standing);
      const expiresAt = new Date(now.getTime() + (body.hours ?? 72) * 3600_000);
      const maxUses = body.maxUses ?? 20;
      return handle.db.transaction(async (tx) => {
        const code = newCode();
        const id = await write.createInvite(tx, { teamId, code, createdById: viewer.id, expiresAt, maxUses }, now);
        await write.audit(tx, [{ actorId: viewer.id, at: now, entity: 'invite', entityId: id, action: 'create', before: null, after: { teamId, code, expiresAt, maxUses } }]);
        return { code, teamId, teamName: standing.team.name, expiresAt: expiresAt.toISOString(), maxUses };
      });
    },

    async invite(code: string, now: Date) {
      const found = await write.inviteByCode(code.toUpperCase());
      if (!found) throw notFound('邀请码');
      const { invite } = found;
      const valid = found.teamActive && !invite.revokedAt && invite.expiresAt > now && invite.uses < invite.maxUses;
      return { code: invite.code, teamId: invite.teamId, teamName: found.teamName, expiresAt: invite.expiresAt.toISOString(), valid };
    },

    /** 双报到: using an invite asks to join; the leader approves. */
    async join(viewer: Viewer, code: string, now: Date) {
      const found = await write.inviteByCode(code.toUpperCase());
      if (!found || !found.teamActive) throw notFound('邀请码');
      if (viewer.teams.some((t) => t.id === found.invite.teamId)) throw conflict('ALREADY_MEMBER', `您已是“${found.teamName}”的队员。`);
      return handle.db.transaction(async (tx) => {
        if (!(await write.useInvite(tx, found.invite.id, now))) {
          throw new AppError(410, 'INVITE_EXPIRED', '邀请码已过期或已用完，请向队长要一个新的。');
        }
        const id = await write.createJoinRequest(tx, { teamId: found.invite.teamId, userId: viewer.id, inviteId: found.invite.id }, now);
        if (!id) throw conflict('ALREADY_REQUESTED', '您已申请加入，等待队长审核。');
        await write.audit(tx, [{ actorId: viewer.id, at: now, entity: 'join_request', entityId: id, action: 'create', before: null, after: { teamId: found.invite.teamId, code: found.invite.code } }]);
        return { id, teamId: found.invite.teamId, teamName: found.teamName, status: 'pending' as const };
      });
    },

    async joinRequests(viewer: Viewer, teamId: string) {
      requireLead(await teamFor(viewer, teamId));
      const rows = await write.joinRequests(teamId);
      return { items: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) };
    },

    async decide(viewer: Viewer, requestId: string, approve: boolean, now: Date) {
      const request = await write.joinRequest(requestId);
      if (!request) throw notFound('申请');
      const standing = await teamFor(viewer, request.teamId);
      requireLead(standing);
      const decision = await handle.db.transaction(async (tx) => {
        const decided = await write.decideJoinRequest(tx, requestId, approve ? 'approved' : 'rejected', viewer.id, now);
        if (!decided) throw conflict('ALREADY_DECIDED', '这条申请已经处理过了。');
        if (approve) {
          await this.checkOneGeneralTeam(tx, request.userId, standing.team);
          await write.upsertMembership(tx, { teamId: request.teamId, userId: request.userId, role: 'member', dutyRoles: [], joinedAt: now });
        }
        await write.audit(tx, [{ actorId: viewer.id, at: now, entity: 'join_request', entityId: requestId, action: approve ? 'approve' : 'reject', before: { status: 'pending' }, after: { status: decided.status } }]);
        return { id: requestId, status: decided.status };
      });
      // Only an approval changes who is on the team.
      if (approve) people.changed();
      return decision;
    },

    async auditLog(viewer: Viewer, query: { limit?: number; before?: number; entity?: string }) {
      if (!viewer.isAdmin) throw forbidden('只有管理员可以查看操作记录。');
      const rows = await write.auditLog(query.limit ?? 50, query.before, query.entity);
      return { items: rows.map((r) => ({ ...r, at: r.at.toISOString() })) };
    },
  };
}

export type OrgAdminService = ReturnType<typeof createOrgAdminService>;
