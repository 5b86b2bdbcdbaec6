import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type {
  AreaKind,
  CategoryRule,
  CompoundType,
  ControlLevel,
  Responsibility,
  RoutingArea,
  RoutingTeam,
  SpecialTag,
  TeamRole,
} from '@minhu/domain';
import { memberKey } from '@minhu/domain';
import type { DbHandle, Executor } from './create-db.js';
import { areas, categoryRules, responsibilities, teamMembers, teams, users } from './schema.js';

export interface AreaRow {
  id: string;
  parentId: string | null;
  kind: AreaKind;
  name: string;
  path: string;
  controlLevel: ControlLevel;
  defaultTeamId: string | null;
}

export interface UserContext {
  id: string;
  name: string;
  phone: string | null;
  isAdmin: boolean;
  active: boolean;
  homeAreaId: string | null;
  homeDetail: string | null;
  specialTags: SpecialTag[];
  teams: { id: string; name: string; role: TeamRole; areaId: string }[];
  /** Areas this person is secretary of, with their paths for subtree checks. */
  secretaryAreas: { id: string; name: string; kind: AreaKind; path: string }[];
}

/** Ids on an area's path, root first (the path is "/root/.../self/"). */
export const pathIds = (path: string): string[] => path.split('/').filter(Boolean);

export function createOrgRepository(handle: DbHandle) {
  const { db } = handle;

  return {
    async userContext(userId: string, executor: Executor = db): Promise<UserContext | null> {
      const [row] = await handle.rows<{
        id: string;
        name: string;
        phone: string | null;
        is_admin: boolean;
        active: boolean;
        home_area_id: string | null;
        home_detail: string | null;
        special_tags: SpecialTag[];
        teams: UserContext['teams'];
        secretary_areas: UserContext['secretaryAreas'];
      }>(
        sql`SELECT u.id, u.name, u.phone, u.is_admin, u.active, u.home_area_id, u.home_detail, u.special_tags,
          coalesce((SELECT json_agg(json_build_object('id', t.id, 'name', t.name, 'role', m.role, 'areaId', t.area_id) ORDER BY t.name)
                    FROM team_members m JOIN teams t ON t.id = m.team_id
                    WHERE m.user_id = u.id AND m.active AND t.active), '[]'::json) AS teams,
          coalesce((SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'kind', a.kind, 'path', a.path) ORDER BY a.depth, a.name)
                    FROM area_roles r JOIN areas a ON a.id = r.area_id
                    WHERE r.user_id = u.id AND r.role = 'secretary'), '[]'::json) AS secretary_areas
        FROM users u WHERE u.id = ${userId}`,
        executor,
      );
      if (!row) return null;
      return {
        id: row.id,
        name: row.name,
        phone: row.phone,
        isAdmin: row.is_admin,
        active: row.active,
        homeAreaId: row.home_area_id,
        homeDetail: row.home_detail,
        specialTags: row.special_tags,
        teams: row.teams,
        secretaryAreas: row.secretary_areas,
      };
    },

    async area(id: string, executor: Executor = db): Promise<AreaRow | null> {
      const [row] = await executor.select(areaColumns).from(areas).where(eq(areas.id, id));
      return row ?? null;
    },

    /** The area and its ancestors, nearest first. */
    async areaChain(area: AreaRow, executor: Executor = db): Promise<AreaRow[]> {
      const rows = (await executor
        .select(areaColumns)
        .from(areas)
        .where(inArray(areas.id, pathIds(area.path))));
      return rows.sort((a, b) => b.path.length - a.path.length);
    },

    /** Everything routing needs to know about the organisation around an address. */
    async routingContext(chain: readonly AreaRow[], personId: string | null, executor: Executor = db) {
      const chainIds = chain.map((a) => a.id);
      const rules = await executor
        .select({ areaId: categoryRules.areaId, category: categoryRules.category, teamId: categoryRules.teamId })
        .from(categoryRules)
        .where(inArray(categoryRules.areaId, chainIds));
      const namedTeamIds = [
        ...rules.map((r) => r.teamId),
        ...chain.flatMap((a) => (a.defaultTeamId ? [a.defaultTeamId] : [])),
      ];
      const teamRows = await executor
        .select({ id: teams.id, areaId: teams.areaId, categories: teams.categories, active: teams.active })
        .from(teams)
        .where(
          namedTeamIds.length > 0
            ? or(inArray(teams.areaId, chainIds), inArray(teams.id, namedTeamIds))
            : inArray(teams.areaId, chainIds),
        );
      const responsibilityRows = await executor
        .select({
          teamId: responsibilities.teamId,
          memberId: responsibilities.memberId,
          areaId: responsibilities.areaId,
          personId: responsibilities.personId,
        })
        .from(responsibilities)
        .where(
          personId
            ? or(inArray(responsibilities.areaId, chainIds), eq(responsibilities.personId, personId))
            : inArray(responsibilities.areaId, chainIds),
        )
        .orderBy(responsibilities.createdAt, responsibilities.id);
      const teamIds = teamRows.map((t) => t.id);
      const members =
        teamIds.length === 0
          ? []
          : await executor
              .select({
                teamId: teamMembers.teamId,
                userId: teamMembers.userId,
                availability: teamMembers.availability,
                backupId: teamMembers.backupMemberId,
              })
              .from(teamMembers)
              .innerJoin(users, eq(users.id, teamMembers.userId))
              .where(and(inArray(teamMembers.teamId, teamIds), eq(teamMembers.active, true), eq(users.active, true)));
      return {
        areaChain: chain.map((a): RoutingArea => ({ id: a.id, kind: a.kind, defaultTeamId: a.defaultTeamId })),
        teams: teamRows satisfies RoutingTeam[],
        categoryRules: rules satisfies CategoryRule[],
        responsibilities: responsibilityRows satisfies Responsibility[],
        members: new Map(
          members.map((m) => [memberKey(m.teamId, m.userId), { onDuty: m.availability === 'on_duty', backupId: m.backupId }]),
        ),
      };
    },

    async team(id: string, executor: Executor = db) {
      const [row] = await executor
        .select({ id: teams.id, name: teams.name, areaId: teams.areaId, active: teams.active, categories: teams.categories, phone: teams.phone })
        .from(teams)
        .where(eq(teams.id, id));
      return row ?? null;
    },

    /**
     * The areas under a parent as people pick an address: grids are an administrative layer, so
     * a compound's buildings are listed directly. Without a parent: the top of the tree.
     */
    async addressChildren(parentId: string | null, executor: Executor = db) {
      const rows = await handle.rows<{
        id: string;
        name: string;
        kind: AreaKind;
        compound_type: CompoundType | null;
        control_level: ControlLevel;
        has_children: boolean;
      }>(
        sql`WITH RECURSIVE visible AS (
              SELECT a.* FROM areas a WHERE ${parentId === null ? sql`a.parent_id IS NULL` : sql`a.parent_id = ${parentId}`}
              UNION ALL
              SELECT c.* FROM areas c JOIN visible v ON c.parent_id = v.id WHERE v.kind = 'grid'
            )
            SELECT v.id, v.name, v.kind, v.compound_type, v.control_level,
                   EXISTS (SELECT 1 FROM areas c WHERE c.parent_id = v.id) AS has_children
            FROM visible v WHERE v.kind <> 'grid'
            ORDER BY v.kind, length(v.name), v.name`,
        executor,
      );
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        kind: r.kind,
        compoundType: r.compound_type,
        controlLevel: r.control_level,
        hasChildren: r.has_children,
      }));
    },

    /** Compounds whose name contains the text, with the community they belong to. */
    async searchCompounds(text: string, executor: Executor = db) {
      const rows = await handle.rows<{ id: string; name: string; compound_type: CompoundType; control_level: ControlLevel; parent_name: string }>(
        sql`SELECT a.id, a.name, a.compound_type, a.control_level, p.name AS parent_name
            FROM areas a JOIN areas p ON p.id = a.parent_id
            WHERE a.kind = 'compound' AND a.name LIKE ${'%' + text.replace(/[\\%_]/g, (c) => '\\' + c) + '%'}
            ORDER BY length(a.name), a.name LIMIT 20`,
        executor,
      );
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        kind: 'compound' as const,
        compoundType: r.compound_type,
        controlLevel: r.control_level,
        hasChildren: true,
        parentName: r.parent_name,
      }));
    },

    async activeTeams(executor: Executor = db) {
      return executor
        .select({
          id: teams.id,
          name: teams.name,
          areaId: teams.areaId,
          areaName: areas.name,
          categories: teams.categories,
          phone: teams.phone,
        })
        .from(teams)
        .innerJoin(areas, eq(areas.id, teams.areaId))
        .where(eq(teams.active, true))
        .orderBy(areas.path, teams.name);
    },

    async teamMembers(teamId: string, executor: Executor = db) {
      return executor
        .select({
          id: users.id,
          name: users.name,
          phone: users.phone,
          role: teamMembers.role,
          dutyRoles: teamMembers.dutyRoles,
          active: sql<boolean>`${teamMembers.active} AND ${users.active}`,
          availability: teamMembers.availability,
          backupMemberId: teamMembers.backupMemberId,
          availabilityNote: teamMembers.availabilityNote,
        })
        .from(teamMembers)
        .innerJoin(users, eq(users.id, teamMembers.userId))
        .where(eq(teamMembers.teamId, teamId))
        .orderBy(sql`${teamMembers.role} = 'leader' DESC`, users.name);
    },

    async updateProfile(
      userId: string,
      changes: { name?: string; homeAreaId?: string; homeDetail?: string | null; specialTags?: SpecialTag[] },
      now: Date,
      executor: Executor = db,
    ) {
      await executor.update(users).set({ ...changes, updatedAt: now }).where(eq(users.id, userId));
    },

    async isActiveMember(teamId: string, userId: string, executor: Executor = db): Promise<boolean> {
      const rows = await executor
        .select({ userId: teamMembers.userId })
        .from(teamMembers)
        .innerJoin(users, eq(users.id, teamMembers.userId))
        .where(
          and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId), eq(teamMembers.active, true), eq(users.active, true)),
        );
      return rows.length > 0;
    },
  };
}

export type OrgRepository = ReturnType<typeof createOrgRepository>;

const areaColumns = {
  id: areas.id,
  parentId: areas.parentId,
  kind: areas.kind,
  name: areas.name,
  path: areas.path,
  controlLevel: areas.controlLevel,
  defaultTeamId: areas.defaultTeamId,
};

/** How people say an address: from the compound down, without the grid ("幸福里小区 3号楼 2单元"). */
export function addressOf(chain: readonly AreaRow[], detail?: string | null): string {
  const fromCompound: string[] = [];
  for (const area of chain) {
    if (area.kind !== 'grid') fromCompound.unshift(area.name);
    if (area.kind === 'compound') break;
  }
  if (detail) fromCompound.push(detail);
  return fromCompound.join(' ');
}
