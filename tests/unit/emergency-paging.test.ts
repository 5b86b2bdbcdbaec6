import { describe, expect, it } from 'vitest';
import { emergencyPaging, fileTicket, notificationPlan } from '@minhu/domain';

describe('emergency paging', () => {
  it('when the filer has had fewer than max emergencies in the window, then the new one pages', () => {
    expect(emergencyPaging([], 2)).toEqual({ pages: true });
    expect(emergencyPaging([{ number: 'A1', open: true }], 2)).toEqual({ pages: true });
  });

  it('when max have paged already, then it does not, and joins the newest open one', () => {
    expect(emergencyPaging([{ number: 'A2', open: false }, { number: 'A1', open: true }], 2)).toEqual({ pages: false, repeatOf: 'A1' });
    expect(emergencyPaging([{ number: 'A2', open: false }, { number: 'A1', open: false }], 2)).toEqual({ pages: false, repeatOf: null });
  });

  it('when a repeat is filed, then its created event says so and the plan pages nobody, while its team still hears', () => {
    const filing = {
      filedById: 'u',
      beneficiaryUserId: null,
      category: 'help' as const,
      requestedUrgency: 'emergency' as const,
      onBehalf: false,
      routing: { teamId: 't', assigneeId: null, reason: 'compound_team' as never, flagged: false, urgency: 'emergency' as const },
      timeLimit: { claimWithinSeconds: 600, resolveWithinSeconds: 7200 },
      now: new Date('2026-12-01T00:00:00Z'),
    };
    const first = fileTicket(filing).created;
    const repeat = fileTicket({ ...filing, repeatOf: 'A1' }).created;
    expect(repeat.data).toMatchObject({ paged: false, repeatOf: 'A1' });
    const ticket = { urgency: 'emergency' as const, assigneeId: null, claimed: false };
    expect(notificationPlan(first, ticket).map((p) => p.type)).toEqual(['new_ticket', 'emergency']);
    expect(notificationPlan(repeat, ticket).map((p) => p.type)).toEqual(['new_ticket']);
  });
});
