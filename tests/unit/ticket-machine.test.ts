import { describe, expect, it } from 'vitest';
import {
  TICKET_STATUSES,
  activeDueAt,
  availableActions,
  transition,
  type ActionInput,
  type Actor,
  type MachineTicket,
  type TicketAction,
  type TicketStatus,
} from '@minhu/domain';

/**
 * The specification, written out independently of the machine's own table: who may take each
 * action, from which statuses, and where it leads. Every status × action × role is checked.
 */
type Role =
  | 'filer'
  | 'beneficiary'
  | 'other_resident'
  | 'member'
  | 'assignee'
  | 'leader'
  | 'other_team_member'
  | 'secretary'
  | 'admin';

const SPEC: Record<TicketAction, { roles: Role[]; from: TicketStatus[]; to: TicketStatus | 'same' }> = {
  claim: { roles: ['member', 'assignee', 'leader'], from: ['assigned'], to: 'claimed' },
  start: { roles: ['assignee', 'leader'], from: ['claimed'], to: 'in_progress' },
  note: {
    roles: ['assignee', 'leader', 'secretary', 'admin'],
    from: ['assigned', 'claimed', 'in_progress', 'resolved'],
    to: 'same',
  },
  resolve: { roles: ['assignee', 'leader'], from: ['claimed', 'in_progress'], to: 'resolved' },
  transfer: {
    roles: ['assignee', 'leader', 'secretary', 'admin'],
    from: ['assigned', 'claimed', 'in_progress'],
    to: 'assigned',
  },
  assign: { roles: ['leader', 'secretary', 'admin'], from: ['assigned', 'claimed', 'in_progress'], to: 'same' },
  cancel: { roles: ['filer'], from: ['assigned', 'claimed', 'in_progress'], to: 'cancelled' },
  confirm: { roles: ['filer', 'beneficiary'], from: ['resolved'], to: 'closed' },
};

const ROLES = Object.keys({
  filer: 1,
  beneficiary: 1,
  other_resident: 1,
  member: 1,
  assignee: 1,
  leader: 1,
  other_team_member: 1,
  secretary: 1,
  admin: 1,
} satisfies Record<Role, 1>) as Role[];

const TEAM = 'team-1';
const OTHER_TEAM = 'team-2';
const now = new Date('2026-11-28T08:00:00Z');
const hours = (h: number) => new Date(now.getTime() + h * 3600_000);

function actorFor(role: Role): Actor {
  const base = { userId: role, teamRoles: new Map(), isAdmin: false, inAreaScope: false };
  switch (role) {
    case 'member':
    case 'assignee':
      return { ...base, teamRoles: new Map([[TEAM, 'member']]) };
    case 'leader':
      return { ...base, teamRoles: new Map([[TEAM, 'leader']]) };
    case 'other_team_member':
      return { ...base, teamRoles: new Map([[OTHER_TEAM, 'member']]) };
    case 'secretary':
      return { ...base, inAreaScope: true };
    case 'admin':
      return { ...base, isAdmin: true };
    default:
      return base;
  }
}

function ticketIn(status: TicketStatus): MachineTicket {
  const claimed = status !== 'assigned';
  return {
    status,
    teamId: TEAM,
    assigneeId: 'assignee',
    filedById: 'filer',
    beneficiaryUserId: 'beneficiary',
    claimedAt: claimed ? hours(-2) : null,
    resolvedAt: status === 'resolved' || status === 'closed' ? hours(-1) : null,
    closedAt: status === 'closed' ? hours(-0.5) : null,
    responseDueAt: hours(-1),
    resolveDueAt: hours(10),
    ratingSatisfied: null,
    ratingStars: null,
    ratingComment: null,
    escalationLevel: 0,
  };
}

function inputFor(action: TicketAction): ActionInput {
  switch (action) {
    case 'note':
    case 'resolve':
      return { action, text: '已处理', attachments: [] };
    case 'transfer':
      return { action, teamId: OTHER_TEAM, reason: '属于其他小区', assigneeId: null };
    case 'assign':
      return { action, assigneeId: 'member' };
    case 'cancel':
      return { action, reason: '不需要了' };
    case 'confirm':
      return { action, satisfied: true, rating: 5, comment: null };
    default:
      return { action };
  }
}

const ctx = { now, timeLimit: { claimWithinSeconds: 600, resolveWithinSeconds: 7200 } };
const cases = TICKET_STATUSES.flatMap((status) =>
  (Object.keys(SPEC) as TicketAction[]).flatMap((action) => ROLES.map((role) => ({ status, action, role }))),
);

describe('ticket state machine: every status × action × role', () => {
  it('covers 6 statuses × 8 actions × 9 roles', () => {
    expect(cases).toHaveLength(6 * 8 * 9);
  });

  it.each(cases)('when $role tries $action on a $status ticket', ({ status, action, role }) => {
    const spec = SPEC[action];
    const result = transition(ticketIn(status), inputFor(action), actorFor(role), ctx);
    if (!spec.roles.includes(role)) {
      expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN', action } });
      return;
    }
    if (!spec.from.includes(status)) {
      expect(result.ok).toBe(false);
      const code = action === 'claim' && (status === 'claimed' || status === 'in_progress') ? 'ALREADY_CLAIMED' : 'INVALID_TRANSITION';
      expect(!result.ok && result.error.code).toBe(code);
      return;
    }
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.next.status).toBe(spec.to === 'same' ? status : spec.to);
    expect(result.events.length).toBeGreaterThan(0);
    // The buttons offered are exactly what would succeed.
    expect(availableActions(ticketIn(status), actorFor(role))).toContain(action);
  });
});

describe('transition effects', () => {
  const leader = actorFor('leader');

  it('when a member claims, then they become the assignee and the first claim time is kept', () => {
    const result = transition(ticketIn('assigned'), { action: 'claim' }, actorFor('member'), ctx);
    expect(result.ok && result.next).toMatchObject({ status: 'claimed', assigneeId: 'member', claimedAt: now });
    const transferred = { ...ticketIn('assigned'), claimedAt: hours(-3) };
    const again = transition(transferred, { action: 'claim' }, actorFor('member'), ctx);
    expect(again.ok && again.next.claimedAt).toEqual(hours(-3));
  });

  it('when a ticket is already claimed, then a second claimer learns who has it', () => {
    const result = transition(ticketIn('claimed'), { action: 'claim' }, actorFor('member'), ctx);
    expect(result).toEqual({ ok: false, error: { code: 'ALREADY_CLAIMED', claimedById: 'assignee' } });
  });

  it('when the resident is not satisfied, then it reopens with a new resolve clock and escalates', () => {
    const result = transition(
      ticketIn('resolved'),
      { action: 'confirm', satisfied: false, rating: 2, comment: '药不对' },
      actorFor('filer'),
      ctx,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.next).toMatchObject({
      status: 'in_progress',
      resolvedAt: null,
      resolveDueAt: new Date(now.getTime() + 7200_000),
      ratingSatisfied: false,
      ratingStars: 2,
      assigneeId: 'assignee',
    });
    expect(result.events.map((e) => e.type)).toEqual(['confirmed', 'reopened', 'escalated']);
  });

  it('when satisfied, then it closes with the rating', () => {
    const result = transition(
      ticketIn('resolved'),
      { action: 'confirm', satisfied: true, rating: 5, comment: '谢谢' },
      actorFor('beneficiary'),
      ctx,
    );
    expect(result.ok && result.next).toMatchObject({ status: 'closed', closedAt: now, ratingStars: 5, ratingSatisfied: true });
    expect(result.ok && result.events.map((e) => e.type)).toEqual(['confirmed', 'closed']);
  });

  it('when transferred, then it waits for the new team, unassigned, on the original clock', () => {
    const result = transition(
      ticketIn('in_progress'),
      { action: 'transfer', teamId: OTHER_TEAM, reason: '不属于本小区', assigneeId: null },
      leader,
      ctx,
    );
    expect(result.ok && result.next).toMatchObject({ status: 'assigned', teamId: OTHER_TEAM, assigneeId: null, claimedAt: hours(-2) });
    expect(result.ok && activeDueAt(result.next)).toEqual(hours(10));
  });

  it('when transferred to its own team, then it is refused', () => {
    const result = transition(
      ticketIn('claimed'),
      { action: 'transfer', teamId: TEAM, reason: 'x', assigneeId: null },
      leader,
      ctx,
    );
    expect(result).toEqual({ ok: false, error: { code: 'SAME_TEAM' } });
  });

  it('when a leader reassigns a claimed ticket, then the new member holds it', () => {
    const result = transition(ticketIn('claimed'), { action: 'assign', assigneeId: 'member' }, leader, ctx);
    expect(result.ok && result.next).toMatchObject({ status: 'claimed', assigneeId: 'member' });
    expect(result.ok && result.events[0]).toEqual({
      type: 'assigned',
      data: { teamId: TEAM, assigneeId: 'member', previousAssigneeId: 'assignee' },
    });
  });
});

describe('the deadline that matters', () => {
  it('is the claim deadline while waiting, the resolve deadline while worked, none when finished', () => {
    expect(activeDueAt(ticketIn('assigned'))).toEqual(hours(-1));
    expect(activeDueAt(ticketIn('claimed'))).toEqual(hours(10));
    expect(activeDueAt(ticketIn('in_progress'))).toEqual(hours(10));
    for (const status of ['resolved', 'closed', 'cancelled'] as const) {
      expect(activeDueAt(ticketIn(status))).toBeNull();
    }
  });
});
