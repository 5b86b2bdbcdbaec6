import { escalationLevelAt, sweepAt, activeDueAt, type DomainEvent, type MachineTicket } from '@minhu/domain';
import type { DbHandle, NewEvent, SweepUpdate, TicketsRepository } from '@minhu/db';
import type { Notifier, TicketNotice } from './notifier.js';
import { limitOf, machineOf } from './ticket-view.js';

const BATCH = 200;

/**
 * The overdue sweep: tickets whose `sweep_at` has come are escalated up the ladder (each level
 * once) or, when resolved and never confirmed, closed after the quiet period. Each batch is one
 * transaction; rows are locked with SKIP LOCKED, so several API processes may sweep at once and
 * every escalation and notification still happens exactly once. Only tickets coming due are read
 * (a partial index on sweep_at), whatever the size of the table.
 */
export function createSweepService(deps: { handle: DbHandle; tickets: TicketsRepository; notifier: Notifier; autoCloseAfterMs: number }) {
  const { handle, tickets, notifier, autoCloseAfterMs } = deps;

  return {
    async run(now: Date): Promise<{ escalated: number; closed: number }> {
      let escalated = 0;
      let closed = 0;
      for (;;) {
        const handled = await handle.db.transaction(async (tx) => {
          const due = await tickets.lockDueForSweep(tx, now, BATCH);
          const updates: SweepUpdate[] = [];
          const events: (NewEvent & { ticketId: string })[] = [];
          const notices: TicketNotice[] = [];
          for (const { ticket, areaPath } of due) {
            const machine = machineOf(ticket);
            const limit = limitOf(ticket);
            let next: MachineTicket;
            const happened: DomainEvent[] = [];
            if (machine.status === 'resolved') {
              next = { ...machine, status: 'closed', closedAt: now };
              happened.push({ type: 'closed', data: { reason: 'auto', afterHours: Math.round(autoCloseAfterMs / 3600_000) } });
              closed++;
            } else {
              const level = escalationLevelAt(machine, limit, now);
              for (let l = machine.escalationLevel + 1; l <= level; l++) {
                happened.push({
                  type: 'escalated',
                  data: { level: l, reason: 'overdue', phase: machine.claimedAt ? 'resolve' : 'response', dueAt: activeDueAt(machine)?.toISOString() },
                });
              }
              next = { ...machine, escalationLevel: level };
              escalated += happened.length;
            }
            if (happened.length === 0) {
              // Nothing reached (finished meanwhile, or an old time): just move its next look.
              const at = sweepAt(machine, limit, autoCloseAfterMs);
              updates.push({ id: ticket.id, changed: false, sweep_at: at && at > now ? at : null });
              continue;
            }
            updates.push({
              id: ticket.id,
              changed: true,
              status: next.status,
              closed_at: next.closedAt,
              escalation_level: next.escalationLevel,
              due_at: activeDueAt(next),
              sweep_at: sweepAt(next, limit, autoCloseAfterMs),
            });
            events.push(...happened.map((e) => ({ ...e, ticketId: ticket.id, actorId: null, at: now })));
            notices.push({ ticket: { ...ticket, ...next, areaPath }, events: happened, actor: null });
          }
          // The whole batch in five statements or so, whatever its size.
          await tickets.applySweep(tx, updates, now);
          await tickets.appendEventsOf(tx, events);
          await notifier.notifyAll(tx, notices, now);
          return due.length;
        });
        if (handled < BATCH) return { escalated, closed };
      }
    },
  };
}

export type SweepService = ReturnType<typeof createSweepService>;
