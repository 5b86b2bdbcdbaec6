import { and, eq, inArray, sql } from 'drizzle-orm';
import type {
  AreaKind,
  CategoryRule,
  CompoundType,
  ControlLevel,
  NotifyBy,
  Responsibility,
  RoutingArea,
  RoutingTeam,
  SpecialTag,
  TeamRole,
  TimeLimitPolicy,
} from '@minhu/domain';
import { memberKey, OPEN_STATUSES } from '@minhu/domain';
import type { DbHandle, Executor } from './create-db.js';
import { statusIn } from './status-sql.js';
import { areas, teamMembers, teams, users } from './schema.js';

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
  /** The home is the register's, not only what the person said (schema.ts). */
  homeVerified: boolean;
  /** Verified tags (they raise priority). */
  specialTags: SpecialTag[];
  /** Declared by the person, not verified yet. */
  pendingTags: SpecialTag[];
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
        home_verified: boolean;
        special_tags: SpecialTag[];
        pending_tags: SpecialTag[];
        teams: UserContext['teams'];
        secretary_areas: UserContext['secretaryAreas'];
      }>(
        sql`SELECT u.id, u.name, u.phone, u.is_admin, u.active, u.home_area_id, u.home_detail, u.home_verified, u.special_tags, u.pending_tags,
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
        homeVerified: row.home_verified,
        specialTags: row.special_tags,
        pendingTags: row.pending_tags,
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

    /**
     * Everything routing needs to know about the organisation around an address, in one round
     * trip: the address and its ancestors (nearest first), the category rules on them, the teams
     * they name or hold, the responsibilities for them and for the person, those teams' members,
     * and the time-limit policies. Null when the address does not exist. Every part is an index
     * lookup (`= ANY(ARRAY(...))`: the planner cannot size a CTE, and with `IN (SELECT ...)` it
     * scanned all users and memberships, 40 ms a request at 200,000 users).
     */
    async routingAt(areaId: string, personId: string | null, executor: Executor = db) {
      const [row] = await handle.rows<{
        chain: { id: string; parent_id: string | null; kind: AreaKind; name: string; path: string; control_level: ControlLevel; default_team_id: string | null }[] | null;
        rules: { area_id: string; category: CategoryRule['category']; team_id: string }[] | null;
        teams: { id: string; area_id: string; categories: RoutingTeam['categories']; active: boolean; max_open_per_member: number }[] | null;
        responsibilities: { team_id: string; member_id: string; area_id: string | null; person_id: string | null }[] | null;
        members: { team_id: string; user_id: string; availability: string; backup_member_id: string | null; role: TeamRole; open: number; last_assigned_at: string | null }[] | null;
        policies: TimeLimitPolicy[] | null;
      }>(
        sql`WITH ids AS (SELECT unnest(string_to_array(trim(both '/' from path), '/')::uuid[]) AS id FROM areas WHERE id = ${areaId}),
            chain AS (
              SELECT c.id, c.parent_id, c.kind, c.name, c.path, c.control_level, c.default_team_id
              FROM ids JOIN areas c ON c.id = ids.id),
            rules AS (SELECT r.area_id, r.category, r.team_id FROM category_rules r WHERE r.area_id = ANY(ARRAY(SELECT id FROM chain))),
            named AS (
              SELECT t.id, t.area_id, t.categories, t.active, t.max_open_per_member FROM teams t
              WHERE t.id = ANY(ARRAY(
                SELECT id FROM teams WHERE area_id = ANY(ARRAY(SELECT id FROM chain))
                UNION ALL SELECT team_id FROM rules
                UNION ALL SELECT default_team_id FROM chain WHERE default_team_id IS NOT NULL))),
            resp AS (
              SELECT r.team_id, r.member_id, r.area_id, r.person_id, r.created_at, r.id FROM responsibilities r
              WHERE r.area_id = ANY(ARRAY(SELECT id FROM chain)) ${personId ? sql`OR r.person_id = ${personId}` : sql``})
            SELECT
              (SELECT json_agg(chain ORDER BY length(chain.path) DESC) FROM chain) AS chain,
              (SELECT json_agg(rules) FROM rules) AS rules,
              (SELECT json_agg(named) FROM named) AS teams,
              (SELECT json_agg(resp ORDER BY resp.created_at, resp.id) FROM resp) AS responsibilities,
              (SELECT json_agg(json_build_object('team_id', m.team_id, 'user_id', m.user_id, 'backup_member_id', m.backup_member_id,
                 -- Seconded to another team (借调): off duty for their own team's routing until it ends.
                 'availability', CASE WHEN EXISTS (SELECT 1 FROM secondments s WHERE s.from_team_id = m.team_id AND s.user_id = m.user_id AND s.ended_at IS NULL)
                   THEN 'off_duty' ELSE m.availability END,
                 'role', m.role, 'last_assigned_at', m.last_assigned_at,
                 -- Each member's open tickets, read from the open assignee queue index (a handful of rows each).
                 'open', (SELECT count(*) FROM tickets x WHERE x.assignee_id = m.user_id AND ${statusIn('x.status', OPEN_STATUSES)})))
                 FROM team_members m JOIN users u ON u.id = m.user_id
                 WHERE m.team_id = ANY(ARRAY(SELECT id FROM named)) AND m.active AND u.active) AS members,
              (SELECT json_agg(json_build_object('category', p.category, 'urgency', p.urgency, 'controlLevel', p.control_level,
                 'claimWithinSeconds', p.claim_within_seconds, 'resolveWithinSeconds', p.resolve_within_seconds,
                 'staleClaimSeconds', p.stale_claim_seconds)) FROM sla_policies p) AS policies`,
        executor,
      );
      if (!row?.chain) return null;
      const chain: AreaRow[] = row.chain.map((a) => ({
        id: a.id,
        parentId: a.parent_id,
        kind: a.kind,
        name: a.name,
        path: a.path,
        controlLevel: a.control_level,
        defaultTeamId: a.default_team_id,
      }));
      return {
        chain,
        policies: row.policies ?? [],
        context: {
          areaChain: chain.map((a): RoutingArea => ({ id: a.id, kind: a.kind, defaultTeamId: a.defaultTeamId })),
          teams: (row.teams ?? []).map(
            (t): RoutingTeam => ({ id: t.id, areaId: t.area_id, categories: t.categories, active: t.active, maxOpenPerMember: t.max_open_per_member }),
          ),
          categoryRules: (row.rules ?? []).map((r): CategoryRule => ({ areaId: r.area_id, category: r.category, teamId: r.team_id })),
          responsibilities: (row.responsibilities ?? []).map(
            (r): Responsibility => ({ teamId: r.team_id, memberId: r.member_id, areaId: r.area_id, personId: r.person_id }),
          ),
          members: new Map(
            (row.members ?? []).map((m) => [
              memberKey(m.team_id, m.user_id),
              {
                onDuty: m.availability === 'on_duty',
                backupId: m.backup_member_id,
                role: m.role,
                open: Number(m.open),
                lastAssignedAt: m.last_assigned_at === null ? null : new Date(m.last_assigned_at),
              },
            ]),
          ),
        },
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
          maxOpenPerMember: teams.maxOpenPerMember,
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
      changes: { name?: string; homeAreaId?: string; homeDetail?: string | null; pendingTags?: SpecialTag[]; notifyBy?: NotifyBy },
      now: Date,
      executor: Executor = db,
    ) {
      // What a person says of their own home is theirs, not the register's (until an import says it).
      const verified = changes.homeAreaId === undefined ? {} : { homeVerified: false };
      await executor.update(users).set({ ...changes, ...verified, updatedAt: now }).where(eq(users.id, userId));
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
