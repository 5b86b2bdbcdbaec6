import { activeDueAt, sweepAt, sweepTicket } from '@minhu/domain';
import type { NewEvent, SweepUpdate, TicketsRepository } from '@minhu/db';
import type { Notifier, TicketNotice } from './notifier.js';
import { limitOf, machineOf } from './ticket-view.js';

const BATCH = 500;

/**
 * The overdue sweep: tickets whose `sweep_at` has come are escalated up the ladder (each level
 * once) or, when resolved and never confirmed, closed after the quiet period. Only tickets coming
 * due are read (a partial index on sweep_at), whatever the size of the table. Each batch is
 * decided on the tickets as read and written in one statement, each ticket only if nobody changed
 * it meanwhile (as actions are): several API processes may sweep at once, and every escalation
 * and notification still happens exactly once.
 */
export function createSweepService(deps: { tickets: TicketsRepository; notifier: Notifier; autoCloseAfterMs: number }) {
  const { tickets, notifier, autoCloseAfterMs } = deps;

  return {
    /** `batch`: how many tickets are decided and written together (smaller in tests). */
    async run(now: Date, batch = BATCH): Promise<{ escalated: number; closed: number }> {
      let escalated = 0;
      let closed = 0;
      for (;;) {
        const due = await tickets.dueForSweep(now, batch);
        const updates: SweepUpdate[] = [];
        const events: (NewEvent & { ticketId: string })[] = [];
        const notices: TicketNotice[] = [];
        for (const { ticket, areaPath } of due) {
          const machine = machineOf(ticket);
          const limit = limitOf(ticket);
          const { next, events: happened } = sweepTicket(machine, limit, now, autoCloseAfterMs);
          const { id, version } = ticket;
          if (happened.length === 0) {
            // Nothing reached (finished meanwhile, or an old time): just move its next look.
            const at = sweepAt(machine, limit, autoCloseAfterMs);
            updates.push({ id, version, changed: false, sweep_at: at && at > now ? at : null });
            continue;
          }
          updates.push({
            id,
            version,
            changed: true,
            status: next.status,
            closed_at: next.closedAt,
            escalation_level: next.escalationLevel,
            stale_claim_at: next.staleClaimAt,
            due_at: activeDueAt(next),
            sweep_at: sweepAt(next, limit, autoCloseAfterMs),
          });
          events.push(...happened.map((e) => ({ ...e, ticketId: id, actorId: null, at: now })));
          notices.push({ ticket: { ...ticket, ...next, areaPath }, events: happened, actor: null });
        }
        const { written, changed } = await tickets.applySweep({ updates, events, notifications: await notifier.plan(notices, now) }, now);
        const counted = new Set(changed);
        for (const e of events) {
          if (!counted.has(e.ticketId)) continue;
          if (e.type === 'escalated') escalated++;
          else if (e.type === 'closed') closed++;
        }
        // A batch that wrote nothing was all someone else's at that moment: the next sweep comes back.
        if (due.length < batch || written === 0) return { escalated, closed };
      }
    },
  };
}

export type SweepService = ReturnType<typeof createSweepService>;
