import type { Ticket } from '@minhu/contracts';

/**
 * A secretary's overview, worked out from the tickets of their area. (The monitoring issue adds
 * GET /metrics/summary; this switches to it then.) Definitions follow the 12345 practice:
 * - 响应率: of tickets whose claim deadline has passed or that were claimed, those claimed in time;
 * - 解决率: of tickets not cancelled, those resolved or closed;
 * - 满意率: of rated tickets, those rated satisfied.
 * Rates are null when there is nothing to divide.
 */
export interface Overview {
  total: number;
  open: number;
  overdue: number;
  resolved: number;
  responseRate: number | null;
  resolutionRate: number | null;
  satisfactionRate: number | null;
  medianClaimMinutes: number | null;
  /** Tickets filed on each of the last 7 days, oldest first. */
  daily: { day: string; count: number }[];
  teams: { teamId: string | null; teamName: string; open: number; overdue: number }[];
}

const OPEN = new Set(['assigned', 'claimed', 'in_progress']);
const DONE = new Set(['resolved', 'closed']);
const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const dayKey = (d: Date) => `${d.getMonth() + 1}/${d.getDate()}`;

/** The overview of the tickets filed since `since`. */
export function overviewOf(all: readonly Ticket[], now: Date, since: Date): Overview {
  const tickets = all.filter((t) => new Date(t.createdAt) >= since);
  const counted = tickets.filter((t) => t.status !== 'cancelled');
  const responseDecided = counted.filter((t) => t.claimedAt !== null || new Date(t.responseDueAt) < now);
  const claimedOnTime = responseDecided.filter((t) => t.claimedAt !== null && t.claimedAt <= t.responseDueAt);
  const rated = counted.filter((t) => t.satisfied !== null);

  const days: { day: string; count: number }[] = [];
  for (let i = 6; i >= 0; i--) {
    const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() - i);
    days.push({ day: dayKey(d), count: 0 });
  }
  for (const t of all) {
    const slot = days.find((d) => d.day === dayKey(new Date(t.createdAt)));
    if (slot) slot.count++;
  }

  const teams = new Map<string, Overview['teams'][number]>();
  for (const t of all.filter((x) => OPEN.has(x.status))) {
    const key = t.teamId ?? 'none';
    const entry = teams.get(key) ?? { teamId: t.teamId, teamName: t.team?.name ?? '未派单', open: 0, overdue: 0 };
    entry.open++;
    if (t.overdue) entry.overdue++;
    teams.set(key, entry);
  }

  return {
    total: tickets.length,
    open: tickets.filter((t) => OPEN.has(t.status)).length,
    overdue: tickets.filter((t) => t.overdue).length,
    resolved: counted.filter((t) => DONE.has(t.status)).length,
    responseRate: rate(claimedOnTime.length, responseDecided.length),
    resolutionRate: rate(counted.filter((t) => DONE.has(t.status)).length, counted.length),
    satisfactionRate: rate(rated.filter((t) => t.satisfied).length, rated.length),
    medianClaimMinutes: median(
      counted.filter((t) => t.claimedAt).map((t) => (Date.parse(t.claimedAt!) - Date.parse(t.createdAt)) / 60_000),
    ),
    daily: days,
    teams: [...teams.values()].sort((a, b) => b.overdue - a.overdue || b.open - a.open),
  };
}

export const percent = (value: number | null) => (value === null ? '—' : `${Math.round(value * 100)}%`);
