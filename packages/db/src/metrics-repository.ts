import { and, sql, type SQL } from 'drizzle-orm';
import { COUNTED_STATUSES, OPEN_STATUSES, SOLVED_STATUSES, WORKING_STATUSES } from '@minhu/domain';
import type { DbHandle, Executor } from './create-db.js';
import { statusIn } from './status-sql.js';
import { scopeCondition, type TicketScopeFilter } from './tickets-repository.js';

/**
 * The figures secretaries watch, in SQL over the tickets of a scope filed in [from, to).
 * Definitions (the 12345 接诉即办 practice; cancelled tickets count in no rate):
 * - total: tickets filed in the window, cancelled included;
 * - claimed / claimedOnTime: not cancelled, claimed at all / claimed by the response due time;
 * - responseRate (响应率) = claimedOnTime ÷ tickets whose response is decided (claimed, or
 *   past their response due time): a ticket filed a minute ago is not yet late;
 * - resolved / resolutionRate (解决率) = resolved or closed ÷ not cancelled (a reopened ticket is
 *   not resolved until resolved again);
 * - rated / satisfied / satisfactionRate (满意率) = satisfied ÷ rated (the latest rating);
 * - median and 90th percentile of claim time (claimed − filed) and resolve time (resolved −
 *   filed), in seconds, by linear interpolation (percentile_cont), over the tickets that have one;
 * - overdueOpen: still open and past the due time that matters now.
 * Rates are null when there is nothing to divide.
 */
/** Metrics cover an area subtree (or everything) or some teams. */
export type MetricsScope = Extract<TicketScopeFilter, { kind: 'areas' | 'teams' }>;

export interface MetricsWindow {
  scope: MetricsScope;
  teamId?: string;
  from: Date;
  to: Date;
  now: Date;
}

export interface FigureRow {
  total: number;
  claimed: number;
  claimedOnTime: number;
  responseDecided: number;
  counted: number;
  resolved: number;
  rated: number;
  satisfied: number;
  medianClaimSeconds: number | null;
  p90ClaimSeconds: number | null;
  medianResolveSeconds: number | null;
  p90ResolveSeconds: number | null;
  overdueOpen: number;
}

export const CHINA_TIME = 'Asia/Shanghai';

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The tickets of a window: its scope (and team), filed in [from, to). Shared with the ledger export. */
export const metricsWindowCondition = (w: MetricsWindow): SQL =>
  and(
    scopeCondition(w.scope),
    w.teamId ? sql`tickets.team_id = ${w.teamId}` : undefined,
    sql`tickets.created_at >= ${w.from.toISOString()}::timestamptz AND tickets.created_at < ${w.to.toISOString()}::timestamptz`,
  )!;

export function createMetricsRepository(handle: DbHandle) {
  const { db } = handle;
  const where = metricsWindowCondition;

  return {
    /** The whole scope (teamId null, isTotal) and each team in it. */
    async figures(w: MetricsWindow, executor: Executor = db): Promise<(FigureRow & { teamId: string | null; teamName: string | null; isTotal: boolean })[]> {
      const now = sql`${w.now.toISOString()}::timestamptz`;
      const counted = statusIn('tickets.status', COUNTED_STATUSES);
      const done = statusIn('tickets.status', SOLVED_STATUSES);
      const claimSeconds = sql`extract(epoch FROM tickets.claimed_at - tickets.created_at)`;
      const resolveSeconds = sql`extract(epoch FROM tickets.resolved_at - tickets.created_at)`;
      const rows = await handle.rows<Record<string, unknown>>(
        sql`SELECT tickets.team_id, max(tm.name) AS team_name, GROUPING(tickets.team_id) = 1 AS is_total,
              count(*)::int AS total,
              count(*) FILTER (WHERE ${counted} AND tickets.claimed_at IS NOT NULL)::int AS claimed,
              count(*) FILTER (WHERE ${counted} AND tickets.claimed_at <= tickets.response_due_at)::int AS claimed_on_time,
              count(*) FILTER (WHERE ${counted} AND (tickets.claimed_at IS NOT NULL OR tickets.response_due_at < ${now}))::int AS response_decided,
              count(*) FILTER (WHERE ${counted})::int AS counted,
              count(*) FILTER (WHERE ${done})::int AS resolved,
              count(*) FILTER (WHERE ${counted} AND tickets.rating_satisfied IS NOT NULL)::int AS rated,
              count(*) FILTER (WHERE ${counted} AND tickets.rating_satisfied)::int AS satisfied,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ${claimSeconds}) FILTER (WHERE ${counted} AND tickets.claimed_at IS NOT NULL) AS median_claim,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY ${claimSeconds}) FILTER (WHERE ${counted} AND tickets.claimed_at IS NOT NULL) AS p90_claim,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ${resolveSeconds}) FILTER (WHERE ${done} AND tickets.resolved_at IS NOT NULL) AS median_resolve,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY ${resolveSeconds}) FILTER (WHERE ${done} AND tickets.resolved_at IS NOT NULL) AS p90_resolve,
              count(*) FILTER (WHERE ${statusIn('tickets.status', OPEN_STATUSES)} AND tickets.due_at < ${now})::int AS overdue_open
            FROM tickets LEFT JOIN teams tm ON tm.id = tickets.team_id
            WHERE ${where(w)}
            GROUP BY GROUPING SETS ((), (tickets.team_id))`,
        executor,
      );
      return rows.map((r) => ({
        teamId: (r.team_id as string | null) ?? null,
        teamName: (r.team_name as string | null) ?? null,
        isTotal: Boolean(r.is_total),
        total: Number(r.total),
        claimed: Number(r.claimed),
        claimedOnTime: Number(r.claimed_on_time),
        responseDecided: Number(r.response_decided),
        counted: Number(r.counted),
        resolved: Number(r.resolved),
        rated: Number(r.rated),
        satisfied: Number(r.satisfied),
        medianClaimSeconds: num(r.median_claim),
        p90ClaimSeconds: num(r.p90_claim),
        medianResolveSeconds: num(r.median_resolve),
        p90ResolveSeconds: num(r.p90_resolve),
        overdueOpen: Number(r.overdue_open),
      }));
    },

    /** Per day in China time: filed, claimed, resolved, and still overdue now. */
    async daily(w: MetricsWindow, executor: Executor = db) {
      const now = sql`${w.now.toISOString()}::timestamptz`;
      const rows = await handle.rows<{ date: string; created: number; claimed: number; resolved: number; overdue: number }>(
        sql`SELECT to_char(tickets.created_at AT TIME ZONE ${CHINA_TIME}, 'YYYY-MM-DD') AS date,
              count(*)::int AS created,
              count(*) FILTER (WHERE ${statusIn('tickets.status', COUNTED_STATUSES)} AND tickets.claimed_at IS NOT NULL)::int AS claimed,
              count(*) FILTER (WHERE ${statusIn('tickets.status', SOLVED_STATUSES)})::int AS resolved,
              count(*) FILTER (WHERE ${statusIn('tickets.status', OPEN_STATUSES)} AND tickets.due_at < ${now})::int AS overdue
            FROM tickets WHERE ${where(w)}
            GROUP BY 1 ORDER BY 1`,
        executor,
      );
      return rows;
    },

    /** 力量缺口's counts for the teams in scope, now (see staffingCounts). */
    staffing: (scope: MetricsScope, now: Date, executor: Executor = db) => staffingCounts(handle, scope, now, executor),

    /** Each member of the teams in scope: open and overdue now, claimed and resolved in the window. */
    async memberLoad(w: MetricsWindow, executor: Executor = db) {
      const now = sql`${w.now.toISOString()}::timestamptz`;
      const teamsInScope =
        w.scope.kind === 'teams'
          ? sql`m.team_id IN (${sql.join(w.scope.teamIds.map((id) => sql`${id}`), sql`, `)})`
          : w.scope.paths === null
            ? sql`true`
            : sql`m.team_id IN (SELECT tm2.id FROM teams tm2 JOIN areas a ON a.id = tm2.area_id WHERE ${sql.join(
                w.scope.paths.map((p: string) => sql`a.path LIKE ${p + '%'}`),
                sql` OR `,
              )})`;
      return handle.rows<{
        user_id: string;
        name: string;
        team_id: string;
        team_name: string;
        role: string;
        active: boolean;
        open: number;
        overdue: number;
        claimed: number;
        resolved: number;
      }>(
        sql`SELECT u.id AS user_id, u.name, m.team_id, tm.name AS team_name, m.role, (m.active AND u.active) AS active,
              (SELECT count(*)::int FROM tickets t WHERE t.assignee_id = u.id AND t.team_id = m.team_id AND ${statusIn('t.status', WORKING_STATUSES)}) AS open,
              (SELECT count(*)::int FROM tickets t WHERE t.assignee_id = u.id AND t.team_id = m.team_id AND ${statusIn('t.status', OPEN_STATUSES)} AND t.due_at < ${now}) AS overdue,
              (SELECT count(*)::int FROM tickets t WHERE t.assignee_id = u.id AND t.team_id = m.team_id AND t.claimed_at >= ${w.from.toISOString()}::timestamptz AND t.claimed_at < ${w.to.toISOString()}::timestamptz) AS claimed,
              (SELECT count(*)::int FROM tickets t WHERE t.assignee_id = u.id AND t.team_id = m.team_id AND t.resolved_at >= ${w.from.toISOString()}::timestamptz AND t.resolved_at < ${w.to.toISOString()}::timestamptz) AS resolved
            FROM team_members m JOIN users u ON u.id = m.user_id JOIN teams tm ON tm.id = m.team_id
            WHERE ${teamsInScope} ${w.teamId ? sql`AND m.team_id = ${w.teamId}` : sql``}
            ORDER BY tm.name, m.role = 'leader' DESC, u.name`,
        executor,
      );
    },
  };
}

export type MetricsRepository = ReturnType<typeof createMetricsRepository>;

/** What the staffing gap is worked out from, per active team in scope (staffingGap in the domain). */
export interface StaffingCountRow {
  teamId: string;
  teamName: string;
  areaId: string;
  areaName: string;
  areaKind: string;
  open: number;
  overdue: number;
  /** Active members on duty, not counting those seconded elsewhere (借调), counting those seconded here. */
  onDuty: number;
  /** Members seconded here now. */
  seconded: number;
  specialUncovered: number;
}

/**
 * The counts behind 力量缺口, one row per active team whose area lies in the scope, in one
 * statement: each team's open tickets and the overdue ones among them (from the open-queue index
 * on team, status, rank and due time), its active members on duty (those seconded here in, those
 * seconded elsewhere out), and, for a general team (no
 * categories: it holds the place), the key persons living in its area with nobody responsible
 * for them or for their home (the same rule as the uncovered list of 组织管理).
 */
async function staffingCounts(handle: DbHandle, scope: MetricsScope, now: Date, executor: Executor): Promise<StaffingCountRow[]> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const inScope =
    scope.kind === 'teams'
      ? sql`t.id IN (${sql.join(scope.teamIds.map((id) => sql`${id}`), sql`, `)})`
      : scope.paths === null
        ? sql`true`
        : sql`(${sql.join(scope.paths.map((p) => sql`a.path LIKE ${p + '%'}`), sql` OR `)})`;
  // Key persons nobody answers for, once for the whole scope: living under it (a prefix on the
  // path index, or under the teams asked about), with no active 包保 for them nor for any area
  // above their home. The areas someone answers for are read once (包保 is for grids, buildings,
  // units and households, so all lie inside the scope) and each person's few ancestors looked up
  // in them; each team then counts those under its own area.
  const under = (column: string) =>
    scope.kind === 'teams'
      ? sql`EXISTS (SELECT 1 FROM st WHERE st.general AND ${sql.raw(column)} LIKE st.path || '%')`
      : scope.paths === null
        ? sql`true`
        : sql`(${sql.join(scope.paths.map((p) => sql`${sql.raw(column)} LIKE ${p + '%'}`), sql` OR `)})`;
  const rows = await handle.rows<{
    team_id: string;
    team_name: string;
    area_id: string;
    area_name: string;
    area_kind: string;
    open: number;
    overdue: number;
    on_duty: number;
    seconded: number;
    special_uncovered: number;
  }>(
    sql`WITH st AS MATERIALIZED (
          SELECT t.id, t.name, a.id AS area_id, a.name AS area_name, a.kind AS area_kind, a.path, cardinality(t.categories) = 0 AS general
          FROM teams t JOIN areas a ON a.id = t.area_id
          WHERE t.active AND ${inScope}
        ), covered AS MATERIALIZED (
          SELECT DISTINCT r.area_id AS id FROM responsibilities r
          JOIN team_members rm ON rm.team_id = r.team_id AND rm.user_id = r.member_id AND rm.active
          JOIN areas ra ON ra.id = r.area_id
          WHERE ${under('ra.path')}
        ), uncovered AS MATERIALIZED (
          SELECT h.path FROM users pe JOIN areas h ON h.id = pe.home_area_id
          WHERE cardinality(pe.special_tags) > 0 AND pe.active AND ${under('h.path')}
            AND NOT EXISTS (SELECT 1 FROM responsibilities r JOIN team_members rm ON rm.team_id = r.team_id AND rm.user_id = r.member_id AND rm.active
                            WHERE r.person_id = pe.id)
            AND NOT EXISTS (SELECT 1 FROM unnest(string_to_array(trim(both '/' from h.path), '/')::uuid[]) AS up(id)
                            WHERE up.id IN (SELECT id FROM covered))
        )
        SELECT st.id AS team_id, st.name AS team_name, st.area_id, st.area_name, st.area_kind,
          (SELECT count(*)::int FROM tickets x WHERE x.team_id = st.id AND ${statusIn('x.status', OPEN_STATUSES)}) AS open,
          (SELECT count(*)::int FROM tickets x WHERE x.team_id = st.id AND ${statusIn('x.status', OPEN_STATUSES)} AND x.due_at < ${at}) AS overdue,
          (SELECT count(*)::int FROM team_members m JOIN users u ON u.id = m.user_id
             WHERE m.team_id = st.id AND m.active AND u.active AND m.availability = 'on_duty'
               AND NOT EXISTS (SELECT 1 FROM secondments s WHERE s.from_team_id = st.id AND s.user_id = m.user_id AND s.ended_at IS NULL)) AS on_duty,
          (SELECT count(*)::int FROM secondments s WHERE s.team_id = st.id AND s.ended_at IS NULL) AS seconded,
          CASE WHEN st.general THEN (SELECT count(*)::int FROM uncovered u WHERE u.path LIKE st.path || '%') ELSE 0 END AS special_uncovered
        FROM st`,
    executor,
  );
  return rows.map((r) => ({
    teamId: r.team_id,
    teamName: r.team_name,
    areaId: r.area_id,
    areaName: r.area_name,
    areaKind: r.area_kind,
    open: Number(r.open),
    overdue: Number(r.overdue),
    onDuty: Number(r.on_duty),
    seconded: Number(r.seconded),
    specialUncovered: Number(r.special_uncovered),
  }));
}
