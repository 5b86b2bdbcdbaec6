import type { TicketStatus } from './model.js';
import type { TimeLimit } from './time-limits.js';
import { activeDueAt, activePhase, autoClose, type DomainEvent, type MachineTicket, type TicketChange } from './ticket-machine.js';

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
  switch (activePhase(t)) {
    case 'response':
      return { due: t.responseDueAt, limitMs: limit.claimWithinSeconds * 1000 };
    case 'resolve':
      return { due: t.resolveDueAt, limitMs: limit.resolveWithinSeconds * 1000 };
    case null:
      return null;
  }
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
  t: EscalationClock & { resolvedAt: Date | null; staleClaimAt?: Date | null },
  limit: TimeLimit,
  autoCloseAfterMs: number,
): Date | null {
  if (t.status === 'resolved') return t.resolvedAt ? new Date(t.resolvedAt.getTime() + autoCloseAfterMs) : null;
  const escalation = nextEscalationAt(t, limit);
  const stale = t.status === 'claimed' ? (t.staleClaimAt ?? null) : null;
  if (stale === null) return escalation;
  return escalation === null || stale.getTime() < escalation.getTime() ? stale : escalation;
}

/**
 * 签收未办理: a claim neither started nor noted by its stale time tells the leader, once (the
 * time is cleared). No events: not stale, or already told.
 */
export function staleClaim(t: MachineTicket, now: Date): TicketChange {
  if (t.status !== 'claimed' || t.staleClaimAt === null || t.staleClaimAt.getTime() > now.getTime()) return { next: t, events: [] };
  return {
    next: { ...t, staleClaimAt: null },
    events: [{ type: 'stale_claim', data: { assigneeId: t.assigneeId, claimedAt: t.claimedAt?.toISOString() ?? null, staleAt: t.staleClaimAt.toISOString() } }],
  };
}

/**
 * 督办: the levels an open ticket has reached by `now` and not had yet, one event each (the
 * notifications go out per level), naming the clock that ran late. No events: none reached.
 */
export function escalate(t: MachineTicket, limit: TimeLimit, now: Date): TicketChange {
  const level = escalationLevelAt(t, limit, now);
  const events: DomainEvent[] = [];
  for (let l = t.escalationLevel + 1; l <= level; l++) {
    events.push({ type: 'escalated', data: { level: l, reason: 'overdue', phase: activePhase(t), dueAt: activeDueAt(t)?.toISOString() } });
  }
  return { next: { ...t, escalationLevel: level }, events };
}

/**
 * What the sweep does with a ticket whose sweep time has come (sweepAt): a resolved one nobody
 * confirmed closes after the quiet period; an open one escalates. No events: nothing was due (it
 * changed meanwhile, or it was looked at early), and only its next look moves.
 */
export function sweepTicket(t: MachineTicket, limit: TimeLimit, now: Date, autoCloseAfterMs: number): TicketChange {
  const closed = autoClose(t, now, autoCloseAfterMs);
  if (closed) return closed;
  const stale = staleClaim(t, now);
  const escalated = escalate(stale.next, limit, now);
  return { next: escalated.next, events: [...stale.events, ...escalated.events] };
}
