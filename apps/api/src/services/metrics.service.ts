import type { DailySeries, MemberLoad, MetricsQuery, MetricsSummary, Staffing, StaffingQuery } from '@minhu/contracts';
import { byGap, staffingGap } from '@minhu/domain';
import type { FigureRow, MetricsRepository, MetricsScope, MetricsWindow, OrgRepository } from '@minhu/db';
import { CHINA_TIME } from '@minhu/db';
import { badRequest, forbidden, notFound } from '../errors.js';
import { covers, overseenPaths, type Access } from './access.js';
import type { Viewer } from './viewer.js';

const DAY = 86_400_000;
export const MAX_WINDOW_DAYS = 366;

const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);

function figures(r: FigureRow) {
  return {
    total: r.total,
    claimed: r.claimed,
    claimedOnTime: r.claimedOnTime,
    responseRate: rate(r.claimedOnTime, r.responseDecided),
    resolved: r.resolved,
    resolutionRate: rate(r.resolved, r.counted),
    rated: r.rated,
    satisfied: r.satisfied,
    satisfactionRate: rate(r.satisfied, r.rated),
    medianClaimSeconds: r.medianClaimSeconds,
    p90ClaimSeconds: r.p90ClaimSeconds,
    medianResolveSeconds: r.medianResolveSeconds,
    p90ResolveSeconds: r.p90ResolveSeconds,
    overdueOpen: r.overdueOpen,
  };
}

const EMPTY: FigureRow = {
  total: 0,
  claimed: 0,
  claimedOnTime: 0,
  responseDecided: 0,
  counted: 0,
  resolved: 0,
  rated: 0,
  satisfied: 0,
  medianClaimSeconds: null,
  p90ClaimSeconds: null,
  medianResolveSeconds: null,
  p90ResolveSeconds: null,
  overdueOpen: 0,
};

/** The days from `from` to `to` in China time, as YYYY-MM-DD. */
export function chinaDays(from: Date, to: Date): string[] {
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: CHINA_TIME }).format(d);
  const days: string[] = [];
  for (let t = from.getTime(); t < to.getTime() + DAY; t += DAY) {
    const d = day(new Date(Math.min(t, to.getTime() - 1)));
    if (days.at(-1) !== d) days.push(d);
  }
  return days;
}

/**
 * Metrics for a scope and a window. Who may ask for what: admins anything; secretaries their
 * area subtree; leaders their own team; everything else is 404 (or 403 for a whole-scope
 * request from someone with no scope at all).
 */
export function createMetricsService(deps: { metrics: MetricsRepository; org: OrgRepository; access: Pick<Access, 'area'> }) {
  const { metrics, org, access } = deps;

  async function windowOf(viewer: Viewer, query: MetricsQuery, now: Date): Promise<MetricsWindow> {
    const to = query.to ? instantOf(query.to) : now;
    const from = query.from ? instantOf(query.from) : new Date(to.getTime() - 30 * DAY);
    if (from.getTime() >= to.getTime()) throw badRequest('INVALID_WINDOW', '时间窗口的开始必须早于结束。', { field: 'from' });
    if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY) {
      throw badRequest('INVALID_WINDOW', `时间窗口最长 ${MAX_WINDOW_DAYS} 天，请缩小范围。`, { field: 'from' });
    }
    return { scope: await scopeOf(viewer, query), teamId: query.teamId, from, to, now };
  }

  async function scopeOf(viewer: Viewer, query: MetricsQuery): Promise<MetricsScope> {
    if (query.areaId) {
      const area = await access.area(viewer, query.areaId);
      return { kind: 'areas', paths: [area.path] };
    }
    if (query.teamId) {
      const team = await org.team(query.teamId);
      const area = team ? await org.area(team.areaId) : null;
      const leads = viewer.teams.some((t) => t.id === query.teamId && t.role === 'leader');
      if (!team || !area || !(leads || covers(viewer, area.path))) throw notFound('服务队');
      return { kind: 'teams', teamIds: [team.id] };
    }
    const paths = overseenPaths(viewer);
    if (paths === null || paths.length > 0) return { kind: 'areas', paths };
    const led = viewer.teams.filter((t) => t.role === 'leader').map((t) => t.id);
    if (led.length > 0) return { kind: 'teams', teamIds: led };
    throw forbidden('只有书记、队长和管理员可以查看统计。');
  }

  return {
    windowOf,

    async summary(viewer: Viewer, query: MetricsQuery, now: Date): Promise<MetricsSummary> {
      const w = await windowOf(viewer, query, now);
      const rows = await metrics.figures(w);
      const total = rows.find((r) => r.isTotal) ?? { ...EMPTY };
      return {
        from: w.from.toISOString(),
        to: w.to.toISOString(),
        ...figures(total),
        byTeam: rows
          .filter((r) => !r.isTotal)
          .map((r) => ({ teamId: r.teamId, teamName: r.teamName ?? '未派单', ...figures(r) }))
          .sort((a, b) => b.overdueOpen - a.overdueOpen || b.total - a.total),
      };
    },

    async daily(viewer: Viewer, query: MetricsQuery, now: Date): Promise<DailySeries> {
      const w = await windowOf(viewer, query, now);
      const rows = new Map((await metrics.daily(w)).map((r) => [r.date, r]));
      return {
        from: w.from.toISOString(),
        to: w.to.toISOString(),
        items: chinaDays(w.from, w.to).map((date) => ({
          date,
          created: rows.get(date)?.created ?? 0,
          claimed: rows.get(date)?.claimed ?? 0,
          resolved: rows.get(date)?.resolved ?? 0,
          overdue: rows.get(date)?.overdue ?? 0,
        })),
      };
    },

    /**
     * 力量缺口 now, per team in scope (the same scope as the other figures: a secretary's subtree or
     * the area asked for in it, an admin's anything, a leader's own teams), worked out by the
     * domain's staffingGap and sorted by its byGap.
     */
    async staffing(viewer: Viewer, query: StaffingQuery, now: Date): Promise<Staffing> {
      const scope = await scopeOf(viewer, query);
      const rows = await metrics.staffing(scope, now);
      return {
        at: now.toISOString(),
        items: rows.map((r) => ({ ...r, ...staffingGap(r) })).sort(byGap),
      };
    },

    async members(viewer: Viewer, query: MetricsQuery, now: Date): Promise<MemberLoad> {
      const w = await windowOf(viewer, query, now);
      const rows = await metrics.memberLoad(w);
      return {
        items: rows.map((r) => ({
          userId: r.user_id,
          name: r.name,
          teamId: r.team_id,
          teamName: r.team_name,
          role: r.role,
          active: r.active,
          open: r.open,
          overdue: r.overdue,
          claimed: r.claimed,
          resolved: r.resolved,
        })),
      };
    },
  };
}

export type MetricsService = ReturnType<typeof createMetricsService>;

/** A window's end as given: a plain date (2026-12-01) is that day's start in Beijing time. */
function instantOf(value: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00+08:00`) : new Date(value);
}
