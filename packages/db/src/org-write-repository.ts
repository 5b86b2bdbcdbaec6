import { and, desc, eq, gt, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type {
  AreaKind,
  Availability,
  Category,
  CompoundType,
  ControlLevel,
  DutyRole,
  SpecialTag,
  TeamRole,
} from '@minhu/domain';
import type { SQL } from 'drizzle-orm';
import type { DbHandle, Executor, Tx } from './create-db.js';
import { newId } from './ids.js';
import { areaRoles, areas, auditLog, categoryRules, joinRequests, responsibilities, teamInvites, teamMembers, teams, users } from './schema.js';

export interface AreaRecord {
  id: string;
  code: string;
  name: string;
  kind: AreaKind;
  parentId: string | null;
  path: string;
  depth: number;
  compoundType: CompoundType | null;
  controlLevel: ControlLevel;
  defaultTeamId: string | null;
}

export interface TeamRecord {
  id: string;
  code: string | null;
  name: string;
  areaId: string;
  categories: Category[];
  phone: string | null;
  active: boolean;
  /** Routing's cap on each member's open tickets when it assigns by load. */
  maxOpenPerMember: number;
}

export interface PersonRecord {
  id: string;
  name: string;
  phone: string | null;
  code: string | null;
  homeAreaId: string | null;
  homeDetail: string | null;
  specialTags: SpecialTag[];
  isAdmin: boolean;
}

export interface AuditEntry {
  actorId: string | null;
  at: Date;
  entity: string;
  entityId: string | null;
  action: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

const areaColumns = {
  id: areas.id,
  code: areas.code,
  name: areas.name,
  kind: areas.kind,
  parentId: areas.parentId,
  path: areas.path,
  depth: areas.depth,
  compoundType: areas.compoundType,
  controlLevel: areas.controlLevel,
  defaultTeamId: areas.defaultTeamId,
};
const personColumns = {
  id: users.id,
  name: users.name,
  phone: users.phone,
  code: users.code,
  homeAreaId: users.homeAreaId,
  homeDetail: users.homeDetail,
  specialTags: users.specialTags,
  isAdmin: users.isAdmin,
};

/** Writes to the organisation (imports and management), each change with its audit entry. */
export function createOrgWriteRepository(handle: DbHandle) {
  const { db } = handle;
  return {
    /** Whether the organisation has any area at all (an empty database gets the demo). */
    async hasAreas(executor: Executor = db): Promise<boolean> {
      return (await executor.select({ id: areas.id }).from(areas).limit(1)).length > 0;
    },
    async areasByCode(codes: readonly string[], executor: Executor = db): Promise<AreaRecord[]> {
      if (codes.length === 0) return [];
      return executor.select(areaColumns).from(areas).where(inArray(areas.code, [...codes]));
    },
    async areaById(id: string, executor: Executor = db): Promise<AreaRecord | null> {
      const [row] = await executor.select(areaColumns).from(areas).where(eq(areas.id, id));
      return row ?? null;
    },
    async insertArea(tx: Tx, area: AreaRecord) {
      await tx.insert(areas).values(area);
    },
    async updateArea(tx: Tx, id: string, changes: Partial<Pick<AreaRecord, 'name' | 'compoundType' | 'controlLevel' | 'defaultTeamId'>>) {
      await tx.update(areas).set(changes).where(eq(areas.id, id));
    },

    async teamsByCode(codes: readonly string[], executor: Executor = db): Promise<TeamRecord[]> {
      if (codes.length === 0) return [];
      return executor.select().from(teams).where(inArray(teams.code, [...codes]));
    },
    async teamById(id: string, executor: Executor = db): Promise<TeamRecord | null> {
      const [row] = await executor.select().from(teams).where(eq(teams.id, id));
      return row ?? null;
    },
    async insertTeam(tx: Tx, team: Omit<TeamRecord, 'active' | 'maxOpenPerMember'> & { maxOpenPerMember?: number }) {
      await tx.insert(teams).values(team);
    },
    async updateTeam(tx: Tx, id: string, changes: Partial<Omit<TeamRecord, 'id'>>) {
      await tx.update(teams).set(changes).where(eq(teams.id, id));
    },

    /** 派单规则 in these areas or to these teams, with the team's name. */
    async categoryRules(filter: { areaIds: readonly string[]; teamIds: readonly string[] }, executor: Executor = db) {
      if (filter.areaIds.length === 0 && filter.teamIds.length === 0) return [];
      return executor
        .select({ id: categoryRules.id, areaId: categoryRules.areaId, category: categoryRules.category, teamId: categoryRules.teamId, teamName: teams.name })
        .from(categoryRules)
        .innerJoin(teams, eq(teams.id, categoryRules.teamId))
        .where(or(inArray(categoryRules.areaId, [...filter.areaIds]), inArray(categoryRules.teamId, [...filter.teamIds])));
    },
    async addCategoryRule(tx: Tx, r: { areaId: string; category: Category; teamId: string }, now: Date) {
      const id = newId(now.getTime());
      await tx.insert(categoryRules).values({ id, ...r, createdAt: now });
      return id;
    },
    async removeCategoryRule(tx: Tx, id: string) {
      await tx.delete(categoryRules).where(eq(categoryRules.id, id));
    },

    async peopleBy(key: 'phone' | 'code', values: readonly string[], executor: Executor = db): Promise<PersonRecord[]> {
      if (values.length === 0) return [];
      return executor.select(personColumns).from(users).where(inArray(key === 'phone' ? users.phone : users.code, [...values]));
    },
    /** A person from the ledger: the tags it gives are verified (the ledger is the record). */
    async insertPerson(tx: Tx, person: PersonRecord, now: Date) {
      const verified = person.specialTags.length > 0 ? { tagsVerifiedAt: now } : {};
      await tx.insert(users).values({ ...person, ...verified, createdAt: now, updatedAt: now });
    },
    async updatePerson(tx: Tx, id: string, changes: Partial<Omit<PersonRecord, 'id'>>, now: Date) {
      // Tags the ledger sets are verified, and settle what the person had declared; so is where
      // the register says the person lives.
      const verified = {
        ...(changes.specialTags ? { tagsVerifiedAt: now, tagsVerifiedById: null, pendingTags: [] } : {}),
        ...(changes.homeAreaId === undefined ? {} : { homeVerified: true }),
      };
      await tx.update(users).set({ ...changes, ...verified, updatedAt: now }).where(eq(users.id, id));
    },

    /** Every membership of these people, with whether the team takes only some categories. */
    async membershipsOf(userIds: readonly string[], executor: Executor = db) {
      if (userIds.length === 0) return [];
      return executor
        .select({
          teamId: teamMembers.teamId,
          userId: teamMembers.userId,
          role: teamMembers.role,
          dutyRoles: teamMembers.dutyRoles,
          active: teamMembers.active,
          availability: teamMembers.availability,
          backupMemberId: teamMembers.backupMemberId,
          general: sql<boolean>`cardinality(${teams.categories}) = 0`,
          teamName: teams.name,
        })
        .from(teamMembers)
        .innerJoin(teams, eq(teams.id, teamMembers.teamId))
        .where(inArray(teamMembers.userId, [...userIds]));
    },
    async upsertMembership(tx: Tx, m: { teamId: string; userId: string; role: TeamRole; dutyRoles: DutyRole[]; active?: boolean; joinedAt: Date }) {
      await tx
        .insert(teamMembers)
        .values({ ...m, active: m.active ?? true })
        .onConflictDoUpdate({
          target: [teamMembers.teamId, teamMembers.userId],
          set: { role: m.role, dutyRoles: m.dutyRoles, active: m.active ?? true },
        });
    },
    async setAvailability(tx: Tx, teamId: string, userId: string, a: { availability: Availability; backupMemberId: string | null; availabilityNote: string | null }) {
      await tx
        .update(teamMembers)
        .set(a)
        .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
    },

    async secretaryAreas(userIds: readonly string[], executor: Executor = db) {
      if (userIds.length === 0) return [];
      return executor.select({ userId: areaRoles.userId, areaId: areaRoles.areaId }).from(areaRoles).where(inArray(areaRoles.userId, [...userIds]));
    },
    async addSecretary(tx: Tx, userId: string, areaId: string, now: Date) {
      await tx.insert(areaRoles).values({ userId, areaId, role: 'secretary', createdAt: now }).onConflictDoNothing();
    },

    async responsibilityExists(teamId: string, memberId: string, target: { areaId?: string; personId?: string }, executor: Executor = db) {
      const rows = await executor
        .select({ id: responsibilities.id })
        .from(responsibilities)
        .where(
          and(
            eq(responsibilities.teamId, teamId),
            eq(responsibilities.memberId, memberId),
            target.areaId ? eq(responsibilities.areaId, target.areaId) : eq(responsibilities.personId, target.personId!),
          ),
        );
      return rows.length > 0;
    },
    async addResponsibility(tx: Tx, r: { teamId: string; memberId: string; areaId: string | null; personId: string | null }, now: Date) {
      const id = newId(now.getTime());
      await tx.insert(responsibilities).values({ id, ...r, createdAt: now });
      return id;
    },
    async removeResponsibility(tx: Tx, id: string) {
      const [row] = await tx.delete(responsibilities).where(eq(responsibilities.id, id)).returning();
      return row ?? null;
    },

    async responsibilitiesOf(teamId: string, executor: Executor = db) {
      return handle.rows<{ id: string; member_id: string; member_name: string; area_id: string | null; area_name: string | null; area_kind: string | null; person_id: string | null; person_name: string | null }>(
        sql`SELECT r.id, r.member_id, mu.name AS member_name, r.area_id, a.name AS area_name, a.kind AS area_kind, r.person_id, p.name AS person_name
            FROM responsibilities r JOIN users mu ON mu.id = r.member_id
            LEFT JOIN areas a ON a.id = r.area_id LEFT JOIN users p ON p.id = r.person_id
            WHERE r.team_id = ${teamId} ORDER BY mu.name, a.path, p.name`,
        executor,
      );
    },
    async responsibility(id: string, executor: Executor = db) {
      const [row] = await executor.select().from(responsibilities).where(eq(responsibilities.id, id));
      return row ?? null;
    },

    /**
     * Units with nobody responsible for them or for a building or grid above them, and special
     * persons with nobody responsible for them or for their home: what the secretary must fill.
     */
    async coverage(path: string, limit: number, executor: Executor = db) {
      const covered = (areaPath: SQL) =>
        sql`EXISTS (SELECT 1 FROM responsibilities r JOIN team_members m ON m.team_id = r.team_id AND m.user_id = r.member_id AND m.active
                    WHERE r.area_id = ANY(string_to_array(trim(both '/' from ${areaPath}), '/')::uuid[]))`;
      const units = await handle.rows<{ id: string; name: string; parent_name: string; total: number }>(
        sql`SELECT u.id, u.name, p.name AS parent_name, count(*) OVER ()::int AS total
            FROM areas u JOIN areas p ON p.id = u.parent_id
            WHERE u.kind = 'unit' AND u.path LIKE ${path + '%'} AND NOT ${covered(sql`u.path`)}
            ORDER BY p.path, length(u.name), u.name LIMIT ${limit}`,
        executor,
      );
      const people = await handle.rows<{ id: string; name: string; special_tags: SpecialTag[]; home_name: string | null; total: number }>(
        sql`SELECT pe.id, pe.name, pe.special_tags, h.name AS home_name, count(*) OVER ()::int AS total
            FROM users pe JOIN areas h ON h.id = pe.home_area_id
            WHERE cardinality(pe.special_tags) > 0 AND pe.active AND h.path LIKE ${path + '%'}
              AND NOT EXISTS (SELECT 1 FROM responsibilities r JOIN team_members m ON m.team_id = r.team_id AND m.user_id = r.member_id AND m.active WHERE r.person_id = pe.id)
              AND NOT ${covered(sql`h.path`)}
            ORDER BY h.path, pe.name LIMIT ${limit}`,
        executor,
      );
      return { units, people };
    },

    async createInvite(tx: Tx, invite: { teamId: string; code: string; createdById: string; expiresAt: Date; maxUses: number }, now: Date) {
      const id = newId(now.getTime());
      await tx.insert(teamInvites).values({ id, ...invite, createdAt: now });
      return id;
    },
    async inviteByCode(code: string, executor: Executor = db) {
      const [row] = await executor
        .select({ invite: teamInvites, teamName: teams.name, teamActive: teams.active })
        .from(teamInvites)
        .innerJoin(teams, eq(teams.id, teamInvites.teamId))
        .where(eq(teamInvites.code, code));
      return row ?? null;
    },
    /** Uses one use of an invite, if it still has one: one statement, so uses never exceed the limit. */
    async useInvite(tx: Tx, id: string, now: Date): Promise<boolean> {
      const rows = await tx
        .update(teamInvites)
        .set({ uses: sql`${teamInvites.uses} + 1` })
        .where(and(eq(teamInvites.id, id), lt(teamInvites.uses, teamInvites.maxUses), gt(teamInvites.expiresAt, now), isNull(teamInvites.revokedAt)))
        .returning({ id: teamInvites.id });
      return rows.length > 0;
    },
    async createJoinRequest(tx: Tx, r: { teamId: string; userId: string; inviteId: string }, now: Date) {
      const rows = await tx
        .insert(joinRequests)
        .values({ id: newId(now.getTime()), ...r, createdAt: now })
        .onConflictDoNothing()
        .returning({ id: joinRequests.id });
      return rows[0]?.id ?? null;
    },
    async joinRequests(teamId: string, executor: Executor = db) {
      return executor
        .select({ id: joinRequests.id, userId: joinRequests.userId, name: users.name, phone: users.phone, status: joinRequests.status, createdAt: joinRequests.createdAt })
        .from(joinRequests)
        .innerJoin(users, eq(users.id, joinRequests.userId))
        .where(and(eq(joinRequests.teamId, teamId), eq(joinRequests.status, 'pending')))
        .orderBy(joinRequests.createdAt);
    },
    async joinRequest(id: string, executor: Executor = db) {
      const [row] = await executor.select().from(joinRequests).where(eq(joinRequests.id, id));
      return row ?? null;
    },
    /** Decides a pending request once: a second decision finds nothing to change. */
    async decideJoinRequest(tx: Tx, id: string, status: 'approved' | 'rejected', byId: string, now: Date) {
      const rows = await tx
        .update(joinRequests)
        .set({ status, decidedById: byId, decidedAt: now })
        .where(and(eq(joinRequests.id, id), eq(joinRequests.status, 'pending')))
        .returning();
      return rows[0] ?? null;
    },

    /**
     * The audit log for an export, oldest first, in keyset batches by id (memory stays flat
     * whatever its size): of one kind of entity, within [from, to).
     */
    async *auditBatches(filter: { entity?: string; from?: Date; to?: Date }, batchSize: number) {
      let after = 0;
      for (;;) {
        const rows = await db
          .select({
            id: auditLog.id,
            at: auditLog.at,
            actorId: auditLog.actorId,
            actorName: users.name,
            entity: auditLog.entity,
            entityId: auditLog.entityId,
            action: auditLog.action,
            before: auditLog.before,
            after: auditLog.after,
          })
          .from(auditLog)
          .leftJoin(users, eq(users.id, auditLog.actorId))
          .where(
            and(
              gt(auditLog.id, after),
              filter.entity ? eq(auditLog.entity, filter.entity) : undefined,
              filter.from ? gte(auditLog.at, filter.from) : undefined,
              filter.to ? lt(auditLog.at, filter.to) : undefined,
            ),
          )
          .orderBy(auditLog.id)
          .limit(batchSize);
        if (rows.length > 0) yield rows;
        if (rows.length < batchSize) return;
        after = rows.at(-1)!.id;
      }
    },

    async auditLog(limit: number, before: number | undefined, entity: string | undefined, executor: Executor = db) {
      return executor
        .select({
          id: auditLog.id,
          at: auditLog.at,
          actorId: auditLog.actorId,
          actorName: users.name,
          entity: auditLog.entity,
          entityId: auditLog.entityId,
          action: auditLog.action,
          before: auditLog.before,
          after: auditLog.after,
        })
        .from(auditLog)
        .leftJoin(users, eq(users.id, auditLog.actorId))
        .where(and(before ? lte(auditLog.id, before - 1) : undefined, entity ? eq(auditLog.entity, entity) : undefined))
        .orderBy(desc(auditLog.id))
        .limit(limit);
    },

    /**
     * How many times `actorId` did `action` to this entity since then. Inside a transaction that
     * has locked the entity (lockPerson), two requests cannot both count below a limit.
     */
    async auditCount(tx: Tx, q: { entity: string; entityId: string; action: string; actorId: string; since: Date }): Promise<number> {
      const [row] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(auditLog)
        .where(
          and(eq(auditLog.entity, q.entity), eq(auditLog.entityId, q.entityId), eq(auditLog.action, q.action), eq(auditLog.actorId, q.actorId), gt(auditLog.at, q.since)),
        );
      return row?.n ?? 0;
    },
    /** Holds the person's row until the transaction ends: their own changes go one at a time. */
    async lockPerson(tx: Tx, id: string) {
      await tx.select({ id: users.id }).from(users).where(eq(users.id, id)).for('update');
    },

    async audit(tx: Tx, entries: readonly AuditEntry[]) {
      if (entries.length === 0) return;
      for (let i = 0; i < entries.length; i += 1000) {
        await tx.insert(auditLog).values(entries.slice(i, i + 1000).map((e) => ({ ...e, before: e.before ?? null, after: e.after ?? null })));
      }
    },
  };
}

export type OrgWriteRepository = ReturnType<typeof createOrgWriteRepository>;
