import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type {
  AreaKind,
  Category,
  CategoryRule,
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
      return (row as AreaRow | undefined) ?? null;
    },

    /** The area and its ancestors, nearest first. */
    async areaChain(area: AreaRow, executor: Executor = db): Promise<AreaRow[]> {
      const rows = (await executor
        .select(areaColumns)
        .from(areas)
        .where(inArray(areas.id, pathIds(area.path)))) as AreaRow[];
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
              .select({ teamId: teamMembers.teamId, userId: teamMembers.userId })
              .from(teamMembers)
              .innerJoin(users, eq(users.id, teamMembers.userId))
              .where(and(inArray(teamMembers.teamId, teamIds), eq(teamMembers.active, true), eq(users.active, true)));
      return {
        areaChain: chain.map((a): RoutingArea => ({ id: a.id, kind: a.kind, defaultTeamId: a.defaultTeamId })),
        teams: teamRows as RoutingTeam[],
        categoryRules: rules as CategoryRule[],
        responsibilities: responsibilityRows as Responsibility[],
        activeMembers: new Set(members.map((m) => memberKey(m.teamId, m.userId))),
      };
    },

    async team(id: string, executor: Executor = db) {
      const [row] = await executor
        .select({ id: teams.id, name: teams.name, areaId: teams.areaId, active: teams.active, categories: teams.categories })
        .from(teams)
        .where(eq(teams.id, id));
      return row ? { ...row, categories: row.categories as Category[] } : null;
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
