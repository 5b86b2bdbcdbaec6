import type { TicketStatus } from './model.js';
import type { TimeLimit } from './time-limits.js';

/**
 * Escalation (督办): past a due time, the ticket climbs a ladder, each rung once per ticket:
 * 1 — the responsible member and the team leader, when the due time passes;
 * 2 — the compound's and community's secretaries, past twice the time limit;
 * 3 — the subdistrict's secretaries, past three times the time limit.
 * "Twice the limit" counts from when the clock started: a claim limit L is due at created + L,
 * so level 2 comes at created + 2L = due + L. After a claim the resolve clock is the one that
 * matters; the levels already reached stay reached (never twice).
 */
export const TOP_ESCALATION_LEVEL = 3;

export interface EscalationClock {
  status: TicketStatus;
  claimedAt: Date | null;
  responseDueAt: Date;
  resolveDueAt: Date;
  escalationLevel: number;
}

/** Which clock runs now, its due time and its limit; null when the ticket is finished. */
function runningClock(t: EscalationClock, limit: TimeLimit): { due: Date; limitMs: number } | null {
  if (t.status === 'assigned' && t.claimedAt === null) {
    return { due: t.responseDueAt, limitMs: limit.claimWithinSeconds * 1000 };
  }
  if (t.status === 'assigned' || t.status === 'claimed' || t.status === 'in_progress') {
    return { due: t.resolveDueAt, limitMs: limit.resolveWithinSeconds * 1000 };
  }
  return null;
}

/** When level `level` is reached on the running clock. */
const levelAt = (clock: { due: Date; limitMs: number }, level: number) => new Date(clock.due.getTime() + (level - 1) * clock.limitMs);

/** When the sweep should next look at this ticket; null when there is nothing left to escalate. */
export function nextEscalationAt(t: EscalationClock, limit: TimeLimit): Date | null {
  const clock = runningClock(t, limit);
  if (!clock || t.escalationLevel >= TOP_ESCALATION_LEVEL) return null;
  return levelAt(clock, t.escalationLevel + 1);
}

/** The level the ticket should be at by `now` (never lower than it already is). */
export function escalationLevelAt(t: EscalationClock, limit: TimeLimit, now: Date): number {
  const clock = runningClock(t, limit);
  let level = t.escalationLevel;
  if (!clock) return level;
  while (level < TOP_ESCALATION_LEVEL && levelAt(clock, level + 1).getTime() <= now.getTime()) level++;
  return level;
}

/**
 * When the sweep next needs this ticket: its next escalation while open; the end of the quiet
 * period once resolved (nobody confirmed it, so it closes by itself); never once finished.
 */
export function sweepAt(
  t: EscalationClock & { resolvedAt: Date | null },
  limit: TimeLimit,
  autoCloseAfterMs: number,
): Date | null {
  if (t.status === 'resolved') return t.resolvedAt ? new Date(t.resolvedAt.getTime() + autoCloseAfterMs) : null;
  return nextEscalationAt(t, limit);
}
