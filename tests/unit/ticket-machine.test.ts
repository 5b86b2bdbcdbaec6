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
  /** The one a typed phone matched, asked to accept it as theirs. */
  | 'invited'
  | 'other_resident'
  | 'member'
  | 'assignee'
  | 'leader'
  | 'other_team_member'
  | 'receiving_member'
  | 'secretary'
  | 'admin';

const OPEN: TicketStatus[] = ['assigned', 'claimed', 'in_progress'];

/**
 * `to`: the status it leads to. `pending`: the request it answers, which the ticket carries in
 * the table's cases (a hand-off to the receiving team, a return, an extension asked by the assignee).
 */
type Outcome = TicketStatus | 'same';
const SPEC: Record<TicketAction, { roles: Role[]; from: TicketStatus[]; to: Outcome | ((role: Role) => Outcome); pending?: 'handoff' | 'returnRequest' | 'extension' | 'contentHold' | 'pause' }> = {
  claim: { roles: ['member', 'assignee', 'leader'], from: ['assigned'], to: 'claimed' },
  start: { roles: ['assignee', 'leader'], from: ['claimed'], to: 'in_progress' },
  note: {
    roles: ['assignee', 'leader', 'secretary', 'admin'],
    from: ['assigned', 'claimed', 'in_progress', 'resolved'],
    to: 'same',
  },
  resolve: { roles: ['assignee', 'leader'], from: ['claimed', 'in_progress'], to: 'resolved' },
  // The assignee and the leader offer a hand-off (it stays); a secretary over both teams and an admin move it.
  transfer: {
    roles: ['assignee', 'leader', 'secretary', 'admin'],
    from: OPEN,
    to: (role) => (role === 'secretary' || role === 'admin' ? 'assigned' : 'same'),
  },
  acceptHandoff: { roles: ['receiving_member'], from: OPEN, to: 'claimed', pending: 'handoff' },
  declineHandoff: { roles: ['receiving_member'], from: OPEN, to: 'same', pending: 'handoff' },
  return: { roles: ['assignee', 'leader'], from: OPEN, to: 'same' },
  approveReturn: { roles: ['secretary', 'admin'], from: OPEN, to: 'assigned', pending: 'returnRequest' },
  rejectReturn: { roles: ['secretary', 'admin'], from: OPEN, to: 'same', pending: 'returnRequest' },
  extend: { roles: ['assignee', 'leader'], from: OPEN, to: 'same' },
  approveExtension: { roles: ['secretary', 'admin'], from: OPEN, to: 'same', pending: 'extension' },
  merge: { roles: ['member', 'assignee', 'leader'], from: OPEN, to: 'cancelled' },
  rejectExtension: { roles: ['secretary', 'admin'], from: OPEN, to: 'same', pending: 'extension' },
  pause: { roles: ['assignee', 'leader'], from: ['claimed', 'in_progress'], to: 'same' },
  resume: { roles: ['assignee', 'leader'], from: OPEN, to: 'same', pending: 'pause' },
  assign: { roles: ['leader', 'secretary', 'admin'], from: ['assigned', 'claimed', 'in_progress'], to: 'same' },
  cancel: { roles: ['filer'], from: ['assigned', 'claimed', 'in_progress'], to: 'cancelled' },
  confirm: { roles: ['filer', 'beneficiary'], from: ['resolved'], to: 'closed' },
  confirmOnBehalf: { roles: ['assignee', 'leader'], from: ['resolved'], to: 'closed' },
  acceptBeneficiary: { roles: ['invited'], from: [...OPEN, 'resolved', 'closed'], to: 'same' },
  declineBeneficiary: { roles: ['invited'], from: [...OPEN, 'resolved', 'closed'], to: 'same' },
  releaseContent: { roles: ['leader', 'secretary', 'admin'], from: TICKET_STATUSES.slice(), to: 'same', pending: 'contentHold' },
};

const ROLES = Object.keys({
  filer: 1,
  beneficiary: 1,
  invited: 1,
  other_resident: 1,
  member: 1,
  assignee: 1,
  leader: 1,
  other_team_member: 1,
  receiving_member: 1,
  secretary: 1,
  admin: 1,
} satisfies Record<Role, 1>) as Role[];

const TEAM = 'team-1';
const OTHER_TEAM = 'team-2';
const RECEIVING_TEAM = 'team-3';
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
    case 'receiving_member':
      return { ...base, teamRoles: new Map([[RECEIVING_TEAM, 'member']]) };
    case 'secretary':
      return { ...base, inAreaScope: true };
    case 'admin':
      return { ...base, isAdmin: true };
    default:
      return base;
  }
}

const asked = { reason: '原因', requestedAt: hours(-0.5), requestedById: 'assignee' };

function ticketIn(status: TicketStatus, pending?: 'handoff' | 'returnRequest' | 'extension' | 'contentHold' | 'pause'): MachineTicket {
  const claimed = status !== 'assigned';
  return {
    status,
    teamId: TEAM,
    assigneeId: 'assignee',
    filedById: 'filer',
    beneficiaryUserId: 'beneficiary',
    beneficiaryInvitedId: 'invited',
    claimedAt: claimed ? hours(-2) : null,
    resolvedAt: status === 'resolved' || status === 'closed' ? hours(-1) : null,
    closedAt: status === 'closed' ? hours(-0.5) : null,
    responseDueAt: hours(-1),
    resolveDueAt: hours(10),
    ratingSatisfied: null,
    ratingStars: null,
    ratingComment: null,
    escalationLevel: 0,
    handoff: pending === 'handoff' ? { ...asked, toTeamId: RECEIVING_TEAM } : null,
    handoffCount: 0,
    returnRequest: pending === 'returnRequest' ? asked : null,
    extension: pending === 'extension' ? { ...asked, until: hours(48) } : null,
    pause: pending === 'pause' ? { ...asked, until: hours(3) } : null,
    followers: [],
    staleClaimAt: status === 'claimed' ? hours(0) : null,
    contentHold: pending === 'contentHold' ? { ...asked, requestedById: 'filer' } : null,
  };
}

function inputFor(action: TicketAction): ActionInput {
  switch (action) {
    case 'note':
    case 'resolve':
      return { action, text: '已处理', attachments: [] };
    case 'transfer':
      return { action, teamId: OTHER_TEAM, reason: '属于其他小区', assigneeId: null, targetInScope: true };
    case 'declineHandoff':
    case 'return':
    case 'rejectReturn':
    case 'rejectExtension':
      return { action, reason: '原因' };
    case 'approveReturn':
      return { action, teamId: OTHER_TEAM, assigneeId: null };
    case 'extend':
      return { action, until: hours(48), reason: '下周二医院复查' };
    case 'pause':
      return { action, until: hours(24), reason: '居民外出，明天回家' };
    case 'merge':
      return { action, into: { id: 'other-ticket', status: 'claimed', teamId: TEAM } };
    case 'assign':
      return { action, assigneeId: 'member' };
    case 'cancel':
      return { action, reason: '不需要了' };
    case 'confirm':
      return { action, satisfied: true, rating: 5, comment: null };
    case 'confirmOnBehalf':
      return { action, satisfied: true, rating: 5, comment: null, method: 'phone', beneficiaryHasApp: false };
    default:
      return { action };
  }
}

const ctx = { now, timeLimit: { claimWithinSeconds: 600, resolveWithinSeconds: 7200 } };
const cases = TICKET_STATUSES.flatMap((status) =>
  (Object.keys(SPEC) as TicketAction[]).flatMap((action) => ROLES.map((role) => ({ status, action, role }))),
);

describe('ticket state machine: every status × action × role', () => {
  it('covers 6 statuses × 23 actions × 11 roles', () => {
    expect(cases).toHaveLength(6 * 23 * 11);
  });

  it.each(cases)('when $role tries $action on a $status ticket', ({ status, action, role }) => {
    const spec = SPEC[action];
    const ticket = ticketIn(status, spec.pending);
    const result = transition(ticket, inputFor(action), actorFor(role), ctx);
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
    const to = typeof spec.to === 'function' ? spec.to(role) : spec.to;
    expect(result.next.status).toBe(to === 'same' ? status : to);
    expect(result.events.length).toBeGreaterThan(0);
    // The buttons offered are exactly what would succeed.
    expect(availableActions(ticket, actorFor(role), now)).toContain(action);
  });

  it.each((Object.keys(SPEC) as TicketAction[]).filter((a) => SPEC[a].pending))(
    'when nothing is pending, then %s is refused with NOTHING_PENDING and not offered',
    (action) => {
      const spec = SPEC[action];
      const role = spec.roles[0]!;
      const result = transition(ticketIn('claimed'), inputFor(action), actorFor(role), ctx);
      // The receiving team stands in no relation to a ticket nobody offered it.
      if (role === 'receiving_member') expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN', action } });
      else expect(result).toEqual({ ok: false, error: { code: 'NO_REQUEST', request: spec.pending } });
      expect(availableActions(ticketIn('claimed'), actorFor(role), now)).not.toContain(action);
    },
  );
});

describe('transition effects', () => {
  const leader = actorFor('leader');

  it('when the invited person accepts, then they are its beneficiary and no longer invited; declining drops the invitation only', () => {
    const invited = { ...ticketIn('claimed'), beneficiaryUserId: null };
    const accepted = transition(invited, { action: 'acceptBeneficiary' }, actorFor('invited'), ctx);
    expect(accepted.ok && accepted.next).toMatchObject({ beneficiaryUserId: 'invited', beneficiaryInvitedId: null, status: 'claimed' });
    expect(accepted.ok && accepted.events.map((e) => e.type)).toEqual(['beneficiary_accepted']);
    const declined = transition(invited, { action: 'declineBeneficiary' }, actorFor('invited'), ctx);
    expect(declined.ok && declined.next).toMatchObject({ beneficiaryUserId: null, beneficiaryInvitedId: null });
    // Once answered, they stand in no relation to it: nothing to accept.
    expect(declined.ok && transition(declined.next, { action: 'acceptBeneficiary' }, actorFor('invited'), ctx)).toMatchObject({ ok: false });
  });

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

  it('when a secretary over both teams transfers, then it waits for the new team at once, unassigned, on the original clock', () => {
    const result = transition(
      ticketIn('in_progress'),
      { action: 'transfer', teamId: OTHER_TEAM, reason: '不属于本小区', assigneeId: null, targetInScope: true },
      actorFor('secretary'),
      ctx,
    );
    expect(result.ok && result.next).toMatchObject({ status: 'assigned', teamId: OTHER_TEAM, assigneeId: null, claimedAt: hours(-2) });
    expect(result.ok && activeDueAt(result.next)).toEqual(hours(10));
  });

  it('when transferred to its own team, then it is refused', () => {
    const result = transition(
      ticketIn('claimed'),
      { action: 'transfer', teamId: TEAM, reason: 'x', assigneeId: null, targetInScope: false },
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

describe('hand-offs (首接负责)', () => {
  const handOff = (t: MachineTicket, by: Role = 'assignee') =>
    transition(t, { action: 'transfer', teamId: RECEIVING_TEAM, reason: '住址属于其他小区', assigneeId: null, targetInScope: false }, actorFor(by), ctx);

  it('when the assignee hands off, then the ticket stays with its team, assignee and clock, offered to the other team', () => {
    const result = handOff(ticketIn('in_progress'));
    expect(result.ok && result.next).toMatchObject({
      status: 'in_progress',
      teamId: TEAM,
      assigneeId: 'assignee',
      resolveDueAt: hours(10),
      handoff: { toTeamId: RECEIVING_TEAM, reason: '住址属于其他小区', requestedById: 'assignee', requestedAt: now },
    });
    expect(result.ok && result.events.map((e) => e.type)).toEqual(['handoff_requested']);
    // Its receiving team now sees it and may accept or decline; nobody claims it meanwhile.
    const offered = result.ok ? result.next : ticketIn('assigned');
    expect(availableActions(offered, actorFor('receiving_member'), now)).toEqual(['acceptHandoff', 'declineHandoff']);
  });

  it('when the receiving member accepts, then it moves to their team, claimed by them, on the first clock', () => {
    const offered = { ...ticketIn('assigned', 'handoff'), claimedAt: null };
    const result = transition(offered, { action: 'acceptHandoff' }, actorFor('receiving_member'), ctx);
    expect(result.ok && result.next).toMatchObject({
      status: 'claimed',
      teamId: RECEIVING_TEAM,
      assigneeId: 'receiving_member',
      claimedAt: now,
      responseDueAt: hours(-1),
      resolveDueAt: hours(10),
      handoff: null,
      handoffCount: 1,
    });
    expect(result.ok && result.events.map((e) => e.type)).toEqual(['transferred', 'claimed']);
    // The first claim stands when it had one.
    const worked = transition(ticketIn('in_progress', 'handoff'), { action: 'acceptHandoff' }, actorFor('receiving_member'), ctx);
    expect(worked.ok && worked.next.claimedAt).toEqual(hours(-2));
  });

  it('when the receiving member declines, then the first team keeps it and nothing else changes', () => {
    const offered = ticketIn('claimed', 'handoff');
    const result = transition(offered, { action: 'declineHandoff', reason: '不在本队范围' }, actorFor('receiving_member'), ctx);
    expect(result.ok && result.next).toEqual({ ...offered, handoff: null });
    expect(result.ok && result.events[0]).toMatchObject({ type: 'handoff_declined', data: { reason: '不在本队范围', requestedById: 'assignee' } });
  });

  it('when a hand-off is pending, then a second one and a claim are refused', () => {
    const offered = ticketIn('assigned', 'handoff');
    expect(handOff(offered, 'leader')).toEqual({ ok: false, error: { code: 'REQUEST_PENDING', request: 'handoff' } });
    expect(transition(offered, { action: 'claim' }, actorFor('member'), ctx)).toEqual({ ok: false, error: { code: 'REQUEST_PENDING', request: 'handoff' } });
    expect(availableActions(offered, actorFor('member'), now)).not.toContain('claim');
  });

  it('when it has moved three times, then only a secretary or an admin moves it', () => {
    const bounced = { ...ticketIn('claimed'), handoffCount: 3 };
    expect(handOff(bounced)).toEqual({ ok: false, error: { code: 'HANDOFF_LIMIT' } });
    expect(availableActions(bounced, actorFor('assignee'), now)).not.toContain('transfer');
    const direct = transition(bounced, { action: 'transfer', teamId: RECEIVING_TEAM, reason: '书记协调', assigneeId: null, targetInScope: true }, actorFor('secretary'), ctx);
    expect(direct.ok && direct.next).toMatchObject({ teamId: RECEIVING_TEAM, status: 'assigned', handoffCount: 4 });
  });

  it('when a secretary does not oversee the target team, then they cannot move it there', () => {
    const result = transition(ticketIn('claimed'), { action: 'transfer', teamId: RECEIVING_TEAM, reason: '试试', assigneeId: null, targetInScope: false }, actorFor('secretary'), ctx);
    expect(result).toEqual({ ok: false, error: { code: 'TEAM_OUT_OF_SCOPE' } });
  });
});

describe('退单 and 延期', () => {
  const secretary = actorFor('secretary');

  it('when a return is approved, then it waits for the team it goes to, unassigned, on the first clock', () => {
    const asked = transition(ticketIn('claimed'), { action: 'return', reason: '不属于本队职责' }, actorFor('assignee'), ctx);
    expect(asked.ok && asked.next.returnRequest).toEqual({ reason: '不属于本队职责', requestedAt: now, requestedById: 'assignee' });
    const returned = asked.ok ? asked.next : ticketIn('claimed');
    const approved = transition(returned, { action: 'approveReturn', teamId: OTHER_TEAM, assigneeId: null }, secretary, ctx);
    expect(approved.ok && approved.next).toMatchObject({ status: 'assigned', teamId: OTHER_TEAM, assigneeId: null, returnRequest: null, resolveDueAt: hours(10) });
    expect(approved.ok && approved.events[0]).toMatchObject({ type: 'return_approved', data: { toTeamId: OTHER_TEAM, requestedById: 'assignee' } });
  });

  it('when a return is rejected, then the team keeps working it', () => {
    const result = transition(ticketIn('in_progress', 'returnRequest'), { action: 'rejectReturn', reason: '请继续办理' }, secretary, ctx);
    expect(result.ok && result.next).toMatchObject({ status: 'in_progress', teamId: TEAM, assigneeId: 'assignee', returnRequest: null });
  });

  it('when someone would rule on their own request, then it is refused', () => {
    const own = { ...ticketIn('claimed', 'returnRequest'), returnRequest: { ...asked, requestedById: 'secretary' } };
    expect(transition(own, { action: 'approveReturn', teamId: OTHER_TEAM, assigneeId: null }, secretary, ctx)).toEqual({ ok: false, error: { code: 'OWN_REQUEST' } });
  });

  it('when an extension is approved, then the resolve clock ends at the new time and it is no longer overdue', () => {
    const late = { ...ticketIn('in_progress'), resolveDueAt: hours(-1) };
    const asked = transition(late, { action: 'extend', until: hours(72), reason: '下周二医院复查' }, actorFor('assignee'), ctx);
    expect(asked.ok && asked.next).toMatchObject({ resolveDueAt: hours(-1), extension: { until: hours(72), reason: '下周二医院复查' } });
    const approved = transition(asked.ok ? asked.next : late, { action: 'approveExtension' }, secretary, ctx);
    expect(approved.ok && approved.next).toMatchObject({ resolveDueAt: hours(72), extension: null });
    expect(approved.ok && activeDueAt(approved.next)).toEqual(hours(72));
    expect(approved.ok && approved.events[0]).toMatchObject({ type: 'extended', data: { until: hours(72).toISOString(), reason: '下周二医院复查' } });
  });

  it('when an extension reaches into the past or beyond 30 days, then it is refused', () => {
    const extend = (until: Date) => transition(ticketIn('claimed'), { action: 'extend', until, reason: 'x' }, actorFor('assignee'), ctx);
    expect(extend(hours(-1))).toEqual({ ok: false, error: { code: 'INVALID_EXTENSION', reason: 'past' } });
    // Not later than the due time it has: no extension at all.
    expect(extend(hours(5))).toEqual({ ok: false, error: { code: 'INVALID_EXTENSION', reason: 'past' } });
    expect(extend(hours(30 * 24 + 1))).toEqual({ ok: false, error: { code: 'INVALID_EXTENSION', reason: 'too_far' } });
    expect(extend(hours(30 * 24)).ok).toBe(true);
  });

  it('when a ticket is resolved or cancelled, then whatever was pending goes with it', () => {
    const pending = { ...ticketIn('in_progress', 'handoff'), returnRequest: asked, extension: { ...asked, until: hours(48) } };
    const resolved = transition(pending, { action: 'resolve', text: '已送到', attachments: [] }, actorFor('assignee'), ctx);
    expect(resolved.ok && resolved.next).toMatchObject({ handoff: null, returnRequest: null, extension: null });
  });
});

describe('merging duplicates', () => {
  it('when merged into an open ticket of her team, then it is cancelled naming the one that stays; into a closed one or another team’s, refused', () => {
    const merge = (into: { status: TicketStatus; teamId: string | null }) =>
      transition(ticketIn('assigned'), { action: 'merge', into: { id: 'stays', ...into } }, actorFor('member'), ctx);
    const merged = merge({ status: 'claimed', teamId: TEAM });
    expect(merged.ok && merged.next.status).toBe('cancelled');
    expect(merged.ok && merged.events).toEqual([{ type: 'cancelled', data: { reason: 'merged', mergedInto: 'stays' } }]);
    expect(merge({ status: 'closed', teamId: TEAM })).toEqual({ ok: false, error: { code: 'MERGE_TARGET_CLOSED' } });
    expect(merge({ status: 'assigned', teamId: OTHER_TEAM })).toEqual({ ok: false, error: { code: 'TEAM_OUT_OF_SCOPE' } });
  });

  it('when someone follows a ticket, then they see it as a follower', () => {
    const followed = { ...ticketIn('claimed'), followers: ['other_resident'] };
    expect(availableActions(followed, actorFor('other_resident'), now)).toEqual([]);
    expect(transition(followed, { action: 'note', text: 'x', attachments: [] }, actorFor('other_resident'), ctx)).toEqual({ ok: false, error: { code: 'FORBIDDEN', action: 'note' } });
  });
});

describe('repeated dissatisfaction', () => {
  it('when the resident is not satisfied again, then it climbs one level each time, up to the subdistrict', () => {
    const unhappy = { action: 'confirm' as const, satisfied: false, rating: 1, comment: '还是没解决' };
    let ticket: MachineTicket = ticketIn('resolved');
    const levels: number[] = [];
    for (let i = 0; i < 4; i++) {
      const result = transition(ticket, unhappy, actorFor('filer'), ctx);
      if (!result.ok) throw new Error('refused');
      levels.push(result.next.escalationLevel);
      ticket = { ...result.next, status: 'resolved', resolvedAt: now };
    }
    expect(levels).toEqual([1, 2, 3, 3]);
  });
});
