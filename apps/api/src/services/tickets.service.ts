import { createHash } from 'node:crypto';
import {
  ADDRESS_KINDS,
  OPEN_STATUSES,
  matchPerson,
  QUEUE_RANKS,
  activeDueAt,
  emergencyPaging,
  fileTicket,
  strictestControlLevel,
  sweepAt,
  timeLimitFor,
  transition,
  type MachineTicket,
  type TimeLimit,
  type ActionInput,
  type DomainEvent,
  type ErrandRefusal,
  type PendingRequest,
  relationsOf,
  type AreaKind,
  type Relation,
  type SpecialTag,
  type TimeLimitPolicy,
  type TransitionError,
} from '@minhu/domain';
import { fieldLabel, type CreateTicketBody, type ListTicketsQuery, type Ticket, type TicketCounts, type TicketDetail } from '@minhu/contracts';
import {
  addressOf,
  newId,
  NUMBER_SLOT,
  type DbHandle,
  type Executor,
  type IdempotencyRepository,
  sinceOf,
  type ListCursor,
  type OrgRepository,
  type PeopleRepository,
  type PoliciesRepository,
  type TicketListFilter,
  type TicketRow,
  type TicketViewRow,
  type TicketsRepository,
  type UsersRepository,
} from '@minhu/db';
import { AppError, badRequest, conflict, forbidden, notFound } from '../errors.js';
import { isDate, UUID, type SignedCursors } from './cursor.js';
import { errandUnavailable } from './errands.service.js';
import { routeAt } from './route-ticket.js';
import type { Notifier } from './notifier.js';
import { HELD_TEXT, limitOf, machineOf, needsRequestedLimit, readsHeld, seesAsResident, ticketView } from './ticket-view.js';
import type { ContentCheck } from './wechat-content-check.js';
import { actorFor, canSeeTicket, covers, overseenPaths, seesPerson, visibleTicket, type Access } from './access.js';
import type { Viewer } from './viewer.js';

interface Deps {
  handle: DbHandle;
  notifier: Notifier;
  /** A resolved ticket nobody confirms closes by itself after this long. */
  autoCloseAfterMs: number;
  tickets: TicketsRepository;
  org: OrgRepository;
  users: UsersRepository;
  idempotency: IdempotencyRepository;
  access: Pick<Access, 'ticket' | 'peopleScope'>;
  people: Pick<PeopleRepository, 'byId' | 'livingAt' | 'addUnverified'>;
  /** List cursors, signed with the server's secret and bound to their list's filter. */
  cursors: SignedCursors;
  /** How many emergencies a person's may page the leader and secretaries in a window (null: every one). */
  emergencyPages: { max: number; windowMs: number } | null;
  policies: Pick<PoliciesRepository, 'all'>;
  /** WeChat's msgSecCheck for what app users write (issue 16.9); never blocks filing. */
  contentCheck: ContentCheck;
}

export function createTicketsService(deps: Deps) {
  const { handle, tickets, org, users, people, idempotency, access, notifier, autoCloseAfterMs, cursors, emergencyPages, policies, contentCheck } = deps;

  /** What WeChat's check says of text the viewer wrote, with their openid (unchecked when it cannot say). */
  async function checked(viewer: Viewer, text: string, now: Date) {
    const author = await users.byId(viewer.id);
    return contentCheck.check(text, author?.wechatOpenid ?? null, now);
  }

  /**
   * Tickets as this viewer is shown them (what they may see, what they may do). A resident shown a
   * ticket whose urgency was raised for a special person sees the time limits of the urgency
   * chosen (ticket-view.ts): the policies are read only then, once for a whole page.
   */
  async function presentAll(viewer: Viewer, rows: readonly TicketViewRow[], now: Date, opts: { list?: boolean } = {}): Promise<Ticket[]> {
    let inForce: TimeLimitPolicy[] | undefined;
    const asResident = rows.map((row) => seesAsResident(relationsOf(machineOf(row.ticket), actorFor(viewer, row.areaPath))));
    // A resident is shown only those of a ticket's possible duplicates that are their own.
    const duplicates = rows.flatMap((row, i) => (asResident[i] ? row.ticket.possibleDuplicateOf : []));
    const own = duplicates.length > 0 ? await tickets.residentsOwn([...new Set(duplicates)], viewer.id) : undefined;
    const out: Ticket[] = [];
    for (const [i, row] of rows.entries()) {
      const actor = actorFor(viewer, row.areaPath);
      const t = row.ticket;
      let requested: TimeLimit | undefined;
      if (needsRequestedLimit(t) && asResident[i]) {
        inForce ??= await policies.all();
        requested = timeLimitFor(inForce, t.category, t.requestedUrgency, t.controlLevel);
      }
      const shown = ticketView(row, actor, now, requested, own);
      out.push(opts.list && overseesFromAbove(viewer, row) ? { ...shown, description: '', items: [], attachments: [], detailsHidden: true } : shown);
    }
    return out;
  }
  const presented = async (viewer: Viewer, row: TicketViewRow, now: Date) => (await presentAll(viewer, [row], now))[0]!;

  /** The timeline as the viewer may see it: a resident sees the urgency chosen, not the one raised. */
  function eventsFor(viewer: Viewer, row: TicketViewRow & { events: unknown[] }): TicketDetail['events'] {
    const relations = relationsOf(machineOf(row.ticket), actorFor(viewer, row.areaPath));
    // A held note (issue 16.9) is read by its author and those who may release it, until they do.
    const events = (row.events as TicketDetail['events']).map((e) =>
      e.type === 'note' && e.data.held && row.ticket.contentHeldAt !== null && e.actorId !== viewer.id && !readsHeld(relations)
        ? { ...e, data: { ...e.data, text: HELD_TEXT } }
        : e,
    );
    if (!seesAsResident(relations)) return events;
    const forSomeoneElse = row.ticket.beneficiaryName !== null && row.ticket.beneficiaryUserId !== viewer.id;
    return events.map((e) => {
      if (e.type === 'created') {
        // Whether the person was asked to accept it says their phone has an account.
        const { invited: _invited, ...data } = e.data;
        return { ...e, data: { ...data, urgency: e.data.requestedUrgency ?? e.data.urgency } };
      }
      if (e.type === 'assigned') {
        // Who else was paged (a medical emergency's 包保 member and leaders) is the team's business.
        const { alsoAlert: _paged, ...rest } = e.data;
        if (!forSomeoneElse) return { ...e, data: rest };
        const { assigneeId: _hidden, ...data } = rest;
        return { ...e, data };
      }
      return e;
    });
  }

  async function viewOf(viewer: Viewer, id: string, now: Date): Promise<Ticket> {
    const row = await tickets.view(id);
    if (!row) throw notFound('工单');
    return presented(viewer, row, now);
  }

  /** The same key with the same body gives the ticket it made; with another body, 422. */
  async function replay(viewer: Viewer, key: string, requestHash: string, now: Date) {
    const found = await idempotency.find(viewer.id, key);
    if (!found) return null;
    if (found.requestHash !== requestHash) {
      throw new AppError(
        422,
        'IDEMPOTENCY_KEY_REUSED',
        '这个 Idempotency-Key 已用于另一份不同的求助；新的求助请使用新的键。',
      );
    }
    return { ticket: await viewOf(viewer, found.ticketId, now), created: false };
  }

  return {
    async create(viewer: Viewer, given: CreateTicketBody, key: string, now: Date) {
      const requestHash = hashOf(given);
      const body = needOf(given);
      // Who the ticket is for: the register person named or matched (beneficiaryOf), else the filer.
      const beneficiary = body.beneficiary ? await beneficiaryOf(viewer, body.beneficiary, now) : null;
      const areaId = body.areaId ?? beneficiary?.areaId ?? viewer.homeAreaId;
      if (!areaId) {
        throw badRequest('ADDRESS_REQUIRED', '请先在“我的”里填写住址，或在求助里选择地址。');
      }
      const person: { id: string; tags: SpecialTag[] } = beneficiary ? { id: beneficiary.id, tags: beneficiary.tags } : { id: viewer.id, tags: viewer.specialTags };
      // A resubmitted form is found by its key in the creating statement below (null), so the
      // common case, a new ticket, does not pay for a lookup first.
      const found = await routeAt(org, areaId, body, person);
      if (!found) throw badRequest('UNKNOWN_AREA', '所选地址不存在。', { field: 'areaId' });
      const { routing, chain } = found;
      if (!chain.some((a) => a.kind === 'compound')) {
        throw badRequest('ADDRESS_TOO_COARSE', '地址需要选到小区、楼栋或单元。', { field: 'areaId' });
      }
      const area = chain[0]!;
      const possibleDuplicateOf = await tickets.possibleDuplicates({
        personId: person.id,
        areaId,
        beneficiaryName: beneficiary?.name ?? null,
        category: body.category,
        since: new Date(now.getTime() - DUPLICATE_WINDOW_MS),
      });
      const controlLevel = strictestControlLevel(chain.map((a) => a.controlLevel));
      const limit = timeLimitFor(found.policies, body.category, routing.urgency, controlLevel);
      const id = newId(now.getTime());
      const homeDetail = beneficiary
        ? areaId === beneficiary.areaId ? beneficiary.homeDetail : null
        : areaId === viewer.homeAreaId ? viewer.homeDetail : null;
      // A flood of emergencies from one person is filed, every one, but pages only so often.
      const paging =
        routing.urgency === 'emergency' && emergencyPages
          ? emergencyPaging(await tickets.recentEmergencies(viewer.id, new Date(now.getTime() - emergencyPages.windowMs)), emergencyPages.max)
          : { pages: true as const };
      const verdict = (await checked(viewer, body.description.trim(), now)).verdict;
      // Risky text waits for the leader, unless it is an emergency: that is filed and flagged (contentCheck).
      const held = verdict === 'risky' && routing.urgency !== 'emergency';
      const { ticket, created, routed } = fileTicket({
        ...(paging.pages ? {} : { repeatOf: paging.repeatOf }),
        contentHeld: held,
        filedById: viewer.id,
        beneficiaryUserId: beneficiary && !beneficiary.invited ? beneficiary.id : null,
        beneficiaryInvitedId: beneficiary?.invited ? beneficiary.id : null,
        category: body.category,
        requestedUrgency: body.urgency,
        onBehalf: beneficiary !== null,
        routing,
        timeLimit: limit,
        now,
      });
      const row = {
        id,
        category: body.category,
        urgency: routing.urgency,
        requestedUrgency: body.urgency,
        status: ticket.status,
        description: body.description,
        areaId,
        compoundId: routing.compoundId!,
        address: addressOf(chain, homeDetail),
        teamId: ticket.teamId,
        assigneeId: ticket.assigneeId,
        filedById: ticket.filedById,
        contactName: body.contactName ?? (beneficiary ? null : viewer.name),
        contactPhone: body.contactPhone ?? (beneficiary ? null : viewer.phone),
        beneficiaryUserId: ticket.beneficiaryUserId,
        beneficiaryInvitedId: ticket.beneficiaryInvitedId,
        beneficiaryName: beneficiary?.name ?? null,
        beneficiaryPhone: beneficiary?.phone ?? null,
        beneficiaryAreaId: beneficiary?.areaId ?? null,
        attachments: body.attachments ?? [],
        possibleDuplicateOf,
        contentCheck: verdict === 'unchecked' ? null : verdict,
        contentHeldAt: held ? now : null,
        routeReason: routing.reason,
        flagged: routing.flagged,
        callBack: given.callBack === true,
        controlLevel,
        createdAt: now,
        responseDueAt: ticket.responseDueAt,
        resolveDueAt: ticket.resolveDueAt,
        claimLimitSeconds: limit.claimWithinSeconds,
        resolveLimitSeconds: limit.resolveWithinSeconds,
        staleClaimSeconds: limit.staleClaimSeconds ?? null,
        ...timingOf(ticket, limit),
        updatedAt: now,
      };
      const notifications = await notifier.plan(
        [{ ticket: { ...row, ...(held ? { description: HELD_TEXT } : {}), number: NUMBER_SLOT, claimedAt: null, areaPath: area.path }, events: [created, routed], actor: viewer }],
        now,
      );
      const attachments = body.attachments ?? [];
      const written = await writeAttaching(attachments, (executor) =>
        tickets.create(executor, {
          key: { userId: viewer.id, key, requestHash },
          ticket: row,
          items: (body.items ?? []).map((i) => ({ name: i.name, quantity: i.quantity, unit: i.unit ?? null, note: i.note ?? null })),
          events: [
            { ...created, actorId: viewer.id, at: now },
            { ...routed, actorId: null, at: now },
          ],
          notifications,
          attachments: { ids: attachments, ownerId: viewer.id },
          assignedByLoad: routing.assignment === 'load' && ticket.teamId && ticket.assigneeId ? { teamId: ticket.teamId, userId: ticket.assigneeId } : null,
        }),
      );
      // Another request with this key won the race while we were routing.
      if (!written) return (await replay(viewer, key, requestHash, now))!;
      return { ticket: await presented(viewer, written.view, now), created: true };
    },

    async detail(viewer: Viewer, id: string, now: Date): Promise<TicketDetail> {
      const row = visibleTicket(viewer, await tickets.detail(id));
      // Who else opened the phones and health details of someone's need is on record (issue 16.8).
      const relations = relationsOf(machineOf(row.ticket), actorFor(viewer, row.areaPath));
      if (!OWN_RELATIONS.some((r) => relations.has(r))) {
        await tickets.recordRead({ actorId: viewer.id, ticketId: row.ticket.id, number: row.ticket.number, as: [...relations], at: now });
      }
      return { ticket: await presented(viewer, row, now), events: eventsFor(viewer, row) };
    },

    async list(viewer: Viewer, query: ListTicketsQuery, now: Date) {
      const limit = query.limit ?? 20;
      const listed = listKey(viewer, query);
      const filter: TicketListFilter = {
        scope: await scopeFilter(viewer, query, now),
        status: query.status,
        open: query.open,
        category: query.category,
        urgency: query.urgency,
        overdue: query.overdue,
        teamId: query.teamId,
        now,
        limit: limit + 1,
        after: query.cursor ? cursors.open(query.cursor, listed, readListCursor) : undefined,
      };
      if (query.areaId) {
        // With another scope (mine, team) an area only narrows tickets the viewer sees anyway.
        const area = await org.area(query.areaId);
        if (!area || (query.scope === 'area' && !covers(viewer, area.path))) throw notFound('区域');
        filter.withinPath = area.path;
      }
      const rows = await tickets.list(filter);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: await presentAll(viewer, page, now, { list: true }),
        nextCursor: rows.length > limit && last ? cursors.seal(listed, cursorKeys(last.ticket, sinceOf(filter))) : null,
      };
    },

    /** The member home's counters (待签收, 我的, 超时, 待接收), exact, for the viewer's teams and themselves. */
    async counts(viewer: Viewer, now: Date): Promise<TicketCounts> {
      if (viewer.teams.length === 0) throw forbidden('您还不是任何服务队的队员。');
      return tickets.counts({ teamIds: viewer.teams.map((t) => t.id), assigneeId: viewer.id, now });
    },

    /** Folds the counters' delta rows (background work, every minute): see compactCounters in packages/db. */
    async compactCounters(): Promise<{ counterRows: number }> {
      return { counterRows: await tickets.compactCounters() };
    },

    /**
     * An action, decided on the ticket as read and written only if nobody changed it meanwhile
     * (its version): otherwise decided again on what it is now. Two members claiming at once:
     * one write wins, the other reads a claimed ticket and gets 409 ALREADY_CLAIMED. No lock is
     * held while deciding, and the write is one statement (tickets.change).
     */
    async act(viewer: Viewer, id: string, input: ActionInput, expectedVersion: number | undefined, now: Date) {
      for (let attempt = 1; ; attempt++) {
        const row = await access.ticket(viewer, id);
        const { ticket, areaPath } = row;
        const actor = actorFor(viewer, areaPath);
        const machine = machineOf(ticket);
        if (expectedVersion !== undefined && expectedVersion !== ticket.version) {
          throw conflict('VERSION_CONFLICT', '工单已被他人更新，请刷新后再试。', { version: ticket.version });
        }
        const limit = limitOf(ticket);
        const decided = await resolveInput(viewer, input, ticket);
        const transitioned = transition(machine, decided, actor, { now, timeLimit: limit });
        if (!transitioned.ok) throw transitionError(transitioned.error, row);
        const result = decided.action === 'note' ? await checkNote(viewer, transitioned, decided.text, now) : transitioned;
        // Only once the person may act: otherwise a refusal would reveal which teams exist.
        await checkReferences(ticket.teamId, decided);
        const notified = { ...ticket, ...result.next, handoffToTeamId: result.next.handoff?.toTeamId ?? null, areaPath };
        if (decided.action === 'merge') {
          const merged = await mergeWrite(viewer, ticket, decided.into.id, result, limit, now, areaPath);
          if (merged) return presented(viewer, merged.view, now);
          if (attempt === MAX_ATTEMPTS) throw conflict('VERSION_CONFLICT', '工单正被多人同时更新，请刷新后再试。', { version: ticket.version });
          continue;
        }
        const notifications = await notifier.plan([{ ticket: notified, events: result.events, actor: viewer }], now);
        const attachments = 'attachments' in input ? input.attachments : [];
        const written = await writeAttaching(attachments, (executor) =>
          tickets.change(executor, {
            id,
            version: ticket.version,
            next: result.next,
            timing: timingOf(result.next, limit),
            now,
            events: result.events.map((e) => ({ type: e.type, actorId: e.type === 'escalated' ? null : viewer.id, at: now, data: e.data })),
            notifications,
            attachments: { ids: attachments, ownerId: viewer.id },
          }),
        );
        if (written) return presented(viewer, written.view, now);
        if (attempt === MAX_ATTEMPTS) throw conflict('VERSION_CONFLICT', '工单正被多人同时更新，请刷新后再试。', { version: ticket.version });
      }
    },

    /**
     * 跑腿批次: claims the tickets the viewer has not claimed yet and notes on each that they are
     * shopping for it (the resident sees "队员正在集中采购"), all in one transaction with
     * `alsoWrite` (the errand), or none: a ticket the domain refuses, or that someone changed
     * meanwhile, undoes the lot and is named in the 409.
     */
    async claimForErrand(
      viewer: Viewer,
      rows: readonly TicketViewRow[],
      noteText: string,
      now: Date,
      alsoWrite: (executor: Executor) => Promise<void>,
    ): Promise<Ticket[]> {
      const refused = (row: TicketViewRow, reason: ErrandRefusal, why?: string) => errandUnavailable({ id: row.ticket.id, number: row.ticket.number }, reason, why);
      const changes: { row: TicketViewRow; next: MachineTicket; limit: TimeLimit; events: DomainEvent[]; notifications: Awaited<ReturnType<Notifier['plan']>> }[] = [];
      for (const row of rows) {
        const { ticket, areaPath } = row;
        const actor = actorFor(viewer, areaPath);
        const limit = limitOf(ticket);
        let next = machineOf(ticket);
        const events: DomainEvent[] = [];
        for (const input of [
          ...(ticket.status === 'assigned' ? [{ action: 'claim' as const }] : []),
          { action: 'note' as const, text: noteText, attachments: [] },
        ]) {
          const result = transition(next, input, actor, { now, timeLimit: limit });
          if (!result.ok) throw refused(row, 'not_allowed', transitionError(result.error, row).message.replace(/。$/, ''));
          next = result.next;
          events.push(...result.events);
        }
        const notifications = await notifier.plan([{ ticket: { ...ticket, ...next, handoffToTeamId: next.handoff?.toTeamId ?? null, areaPath }, events, actor: viewer }], now);
        changes.push({ row, next, limit, events, notifications });
      }
      return handle.db.transaction(async (tx) => {
        const written: Ticket[] = [];
        for (const { row, next, limit, events, notifications } of changes) {
          const done = await tickets.change(tx, {
            id: row.ticket.id,
            version: row.ticket.version,
            next,
            timing: timingOf(next, limit),
            now,
            events: events.map((e) => ({ type: e.type, actorId: viewer.id, at: now, data: e.data })),
            notifications,
            attachments: { ids: [], ownerId: viewer.id },
          });
          if (!done) throw refused(row, 'changed');
          written.push(await presented(viewer, done.view, now));
        }
        await alsoWrite(tx);
        return written;
      });
    },
  };

  /**
   * The register person a ticket is for. Picked from the register (`personId`): one the filer may
   * see there, else 404 as if nobody had that id. Typed: matched by phone, else by name among the
   * people living at that household or unit (matchPerson in the domain), else added to the
   * register as an unverified person at that address, so that whoever later signs in with that
   * phone finds the ticket (and the team sees them in the register to verify).
   */
  async function beneficiaryOf(viewer: Viewer, named: NonNullable<CreateTicketBody['beneficiary']>, now: Date) {
    if ('personId' in named) {
      const scope = await access.peopleScope(viewer);
      const found = await people.byId(named.personId);
      if (!found || !seesPerson(scope, found.homePath)) throw notFound('人员');
      return { id: found.id, name: found.name, phone: found.phone, areaId: found.homeAreaId, homeDetail: found.homeDetail, tags: found.specialTags, invited: false };
    }
    const area = await org.area(named.areaId);
    if (!area) throw badRequest('UNKNOWN_AREA', '求助对象的地址不存在。', { field: 'beneficiary.areaId' });
    if (!ADDRESS_KINDS.includes(area.kind)) {
      throw badRequest('ADDRESS_TOO_COARSE', '求助对象的地址需要选到小区、楼栋、单元或户。', { field: 'beneficiary.areaId' });
    }
    const name = named.name.trim();
    const phone = named.phone ?? null;
    const [byPhone, atHome] = await Promise.all([phone ? users.byPhone(phone) : null, people.livingAt(area.id)]);
    const matched = matchPerson({ name, phone }, byPhone, atHome);
    if (matched) {
      // Someone who uses the app, found by the number typed: theirs only once they say so (issue 16.2).
      const invited = byPhone !== null && matched.id === byPhone.id && matched.id !== viewer.id && (await users.hasApp(byPhone));
      return { id: matched.id, name, phone: phone ?? matched.phone, areaId: area.id, homeDetail: null, tags: matched.specialTags, invited };
    }
    const id = await people.addUnverified({ name, phone, homeAreaId: area.id, addedById: viewer.id }, now);
    return { id, name, phone, areaId: area.id, homeDetail: null, tags: [] as SpecialTag[], invited: false };
  }

  /**
   * A note WeChat's check calls risky is written held (data.held): those who may not read held
   * text see the placeholder until the leader releases it (the ticket holds content meanwhile).
   */
  async function checkNote<R extends { next: MachineTicket; events: DomainEvent[] }>(viewer: Viewer, result: R, text: string, now: Date): Promise<R> {
    const { verdict } = await checked(viewer, text, now);
    if (verdict !== 'risky') return result;
    return {
      ...result,
      next: { ...result.next, contentHold: result.next.contentHold ?? { reason: 'risky', requestedAt: now, requestedById: viewer.id } },
      events: result.events.map((e) => (e.type === 'note' ? { ...e, data: { ...e.data, held: true } } : e)),
    };
  }

  /**
   * Runs a one-statement write (tickets.create or change); in a transaction only when it attaches
   * uploads, so that uploads someone else took meanwhile (fewer attached than asked) undo it.
   */
  async function writeAttaching<T extends { attached: number }>(attachments: readonly string[], write: (executor: Executor) => Promise<T | null>) {
    const checked = async (executor: Executor) => {
      const written = await write(executor);
      if (written && written.attached !== attachments.length) {
        throw badRequest('UNKNOWN_ATTACHMENT', '附件不存在或已被使用，请重新上传。', { field: 'attachments' });
      }
      return written;
    };
    return attachments.length > 0 ? handle.db.transaction(checked) : checked(handle.db);
  }

  /** The deadline that matters now, and when the sweep should next look at the ticket. */
  function timingOf(next: MachineTicket, limit: TimeLimit) {
    return { dueAt: activeDueAt(next), sweepAt: sweepAt(next, limit, autoCloseAfterMs) };
  }

  /**
   * What the domain needs to decide that only the database knows: whether a secretary oversees
   * the team a ticket is transferred to; where a return goes when the secretary names no team
   * (routing again, without the team that returned it).
   */
  async function resolveInput(viewer: Viewer, input: ActionInput, ticket: TicketRow): Promise<ActionInput> {
    if (input.action === 'transfer') {
      const team = await org.team(input.teamId);
      const area = team ? await org.area(team.areaId) : null;
      return { ...input, targetInScope: area !== null && covers(viewer, area.path) };
    }
    if (input.action === 'merge') {
      if (input.into.id === ticket.id) throw badRequest('SAME_TICKET', '不能把工单合并到它自己。', { field: 'intoTicketId' });
      const into = await tickets.view(input.into.id);
      // One the member cannot see is, to them, no ticket at all.
      if (!into || !canSeeTicket(viewer, into)) throw badRequest('UNKNOWN_TICKET', '要合并到的工单不存在。', { field: 'intoTicketId' });
      return { ...input, into: { id: into.ticket.id, status: into.ticket.status, teamId: into.ticket.teamId } };
    }
    if (input.action === 'confirmOnBehalf') {
      // Filed for oneself, the filer used the app; filed for someone (or for a number someone
      // with the app has yet to accept), it is whether that person has.
      if (ticket.beneficiaryName === null) return { ...input, beneficiaryHasApp: true };
      const personId = ticket.beneficiaryUserId ?? ticket.beneficiaryInvitedId;
      const person = personId ? await users.byId(personId) : null;
      return { ...input, beneficiaryHasApp: person !== null && (await users.hasApp(person)) };
    }
    if (input.action === 'approveReturn' && input.teamId === null) {
      const person = ticket.beneficiaryName === null ? ticket.filedById : ticket.beneficiaryUserId;
      const found = await routeAt(org, ticket.areaId, ticket, person ? { id: person, tags: [] } : null, ticket.teamId);
      return { ...input, teamId: found?.routing.teamId ?? null, assigneeId: found?.routing.assigneeId ?? null };
    }
    return input;
  }

  /**
   * A merge's writes, in one transaction with both tickets locked: the duplicate cancelled (if
   * still at the version it was decided on), the one that stays followed by its people. Null:
   * the duplicate changed meanwhile (decide again); the one that stays finished meanwhile: 409.
   */
  async function mergeWrite(
    viewer: Viewer,
    ticket: TicketRow,
    intoId: string,
    result: { next: MachineTicket; events: DomainEvent[] },
    limit: TimeLimit,
    now: Date,
    areaPath: string,
  ) {
    const notifications = await notifier.plan([{ ticket: { ...ticket, ...result.next, areaPath }, events: result.events, actor: viewer }], now);
    return handle.db.transaction(async (tx) => {
      const locked = await tickets.lockPair(tx, ticket.id, intoId);
      if (locked.get(ticket.id)?.version !== ticket.version) return null;
      const into = locked.get(intoId);
      if (!into || !OPEN_STATUSES.includes(into.status)) throw conflict('MERGE_TARGET_CLOSED', '要合并到的工单已经办结或取消。', { field: 'intoTicketId' });
      const written = await tickets.change(tx, {
        id: ticket.id,
        version: ticket.version,
        next: result.next,
        timing: timingOf(result.next, limit),
        now,
        events: result.events.map((e) => ({ type: e.type, actorId: viewer.id, at: now, data: e.data })),
        notifications,
        attachments: { ids: [], ownerId: viewer.id },
      });
      if (!written) return null;
      const people = [ticket.filedById, ...(ticket.beneficiaryUserId ? [ticket.beneficiaryUserId] : []), ...ticket.followers];
      await tickets.absorb(tx, {
        id: intoId,
        followers: people,
        event: { type: 'merged', actorId: viewer.id, at: now, data: { fromTicketId: ticket.id, fromNumber: ticket.number } },
        now,
      });
      return written;
    });
  }

  /** Targets named in an action must exist: the team to transfer to, the member to assign, the photos. */
  async function checkReferences(teamId: string | null, input: ActionInput) {
    if (input.action === 'transfer' || (input.action === 'approveReturn' && input.teamId !== null)) {
      if (input.teamId === teamId) throw badRequest('SAME_TEAM', '工单已在这个服务队，请选择其他服务队。', { field: 'teamId' });
      const team = await org.team(input.teamId!);
      if (!team || !team.active) throw badRequest('UNKNOWN_TEAM', '要转给的服务队不存在或已停用。', { field: 'teamId' });
    }
    if (input.action === 'assign') {
      if (!teamId || !(await org.isActiveMember(teamId, input.assigneeId))) {
        throw badRequest('NOT_A_MEMBER', '只能指派给本服务队在岗的队员。', { field: 'assigneeId' });
      }
    }
  }

  function transitionError(error: TransitionError, row: TicketViewRow): AppError {
    switch (error.code) {
      case 'FORBIDDEN':
        return forbidden(FORBIDDEN_MESSAGES[error.action]);
      case 'ALREADY_CLAIMED': {
        // The claimer is the ticket's assignee, read with it.
        const claimer = error.claimedById && row.assignee ? { id: error.claimedById, name: row.assignee.name } : null;
        return conflict('ALREADY_CLAIMED', `已被${claimer?.name ?? '其他队员'}签收`, { claimedBy: claimer });
      }
      case 'INVALID_TRANSITION':
        return conflict('INVALID_TRANSITION', `工单当前状态不能${ACTION_LABELS[error.action]}。`, {
          status: error.status,
          action: error.action,
        });
      case 'SAME_TEAM':
        return badRequest('SAME_TEAM', '工单已在这个服务队，不需要转派。', { field: 'teamId' });
      case 'REQUEST_PENDING':
        return conflict('REQUEST_PENDING', PENDING_MESSAGES[error.request], { request: error.request });
      case 'NO_REQUEST':
        return conflict('NOTHING_PENDING', NOTHING_PENDING_MESSAGES[error.request], { request: error.request });
      case 'HANDOFF_LIMIT':
        return new AppError(403, 'HANDOFF_LIMIT', '这张工单已转交三次，只能由书记转派。');
      case 'TEAM_OUT_OF_SCOPE':
        return forbidden('只能直接转派到您辖区内的服务队。');
      case 'OWN_REQUEST':
        return new AppError(403, 'OWN_REQUEST', '不能审批自己提出的申请，请由其他书记审批。');
      case 'CONFIRMS_THEMSELF':
        return forbidden('求助对象自己用小程序，请由本人确认和评价；回访记录只替没有小程序的人填写。');
      case 'MERGE_TARGET_CLOSED':
        return conflict('MERGE_TARGET_CLOSED', '要合并到的工单已经办结或取消，请选择未办结的工单。', { field: 'intoTicketId' });
      case 'INVALID_PAUSE':
        return badRequest('INVALID_PAUSE', error.reason === 'past' ? '暂停计时须到现在之后的某个时间。' : '一次最多暂停计时 72 小时，更久请申请延期。', {
          field: 'until',
          reason: error.reason,
        });
      case 'INVALID_EXTENSION':
        return badRequest(
          'INVALID_EXTENSION',
          error.reason === 'past' ? '延期后的时间须晚于现在的办结时限。' : '一次延期最多 30 天。',
          { field: 'until', reason: error.reason },
        );
    }
  }

  async function scopeFilter(viewer: Viewer, query: ListTicketsQuery, now: Date): Promise<TicketListFilter['scope']> {
    switch (query.scope ?? 'mine') {
      case 'mine':
        return { kind: 'people', filedOrFor: viewer.id, assignedTo: viewer.id };
      case 'filed':
        return { kind: 'people', filedOrFor: viewer.id };
      case 'assigned':
        return { kind: 'people', assignedTo: viewer.id };
      case 'team':
      case 'incoming': {
        const mine = viewer.teams.map((t) => t.id);
        if (mine.length === 0) throw forbidden('您还不是任何服务队的队员。');
        if (query.teamId && !mine.includes(query.teamId)) throw notFound('服务队');
        return { kind: query.scope === 'team' ? 'teams' : 'handoffs', teamIds: query.teamId ? [query.teamId] : mine };
      }
      case 'area': {
        const paths = overseenPaths(viewer);
        if (paths?.length === 0) throw forbidden('只有书记和管理员可以查看辖区工单。');
        return { kind: 'areas', paths };
      }
      case 'approvals': {
        const paths = overseenPaths(viewer);
        if (paths?.length === 0) throw forbidden('只有书记和管理员可以审批。');
        return { kind: 'pending', paths, handoffBefore: new Date(now.getTime() - HANDOFF_WAIT_MS) };
      }
    }
  }
}

export type TicketsService = ReturnType<typeof createTicketsService>;

const ACTION_LABELS: Record<ActionInput['action'], string> = {
  claim: '签收',
  start: '开始办理',
  note: '添加备注',
  resolve: '办结',
  transfer: '转交',
  acceptHandoff: '接收',
  declineHandoff: '拒收',
  return: '退单',
  approveReturn: '审批退单',
  rejectReturn: '驳回退单',
  extend: '申请延期',
  approveExtension: '审批延期',
  rejectExtension: '驳回延期',
  pause: '暂停计时',
  resume: '恢复计时',
  merge: '合并',
  assign: '指派',
  cancel: '取消',
  confirm: '确认',
  confirmOnBehalf: '回访',
  releaseContent: '放行内容',
  acceptBeneficiary: '确认是本人的求助',
  declineBeneficiary: '表示不是本人的求助',
};

const PENDING_MESSAGES: Record<PendingRequest, string> = {
  handoff: '工单正在转交给其他服务队，等待对方接收或拒收。',
  returnRequest: '已申请退单，正在等待书记审批。',
  extension: '已申请延期，正在等待书记审批。',
  contentHold: '有内容正在等待队长审核。',
  pause: '计时已经暂停，请先恢复计时。',
};

const NOTHING_PENDING_MESSAGES: Record<PendingRequest, string> = {
  handoff: '没有等待接收的转交，可能已被其他队员接收或已撤回。',
  returnRequest: '没有等待审批的退单，可能已被其他书记处理。',
  extension: '没有等待审批的延期，可能已被其他书记处理。',
  contentHold: '没有待审核的内容，可能已被放行。',
  pause: '计时没有暂停，可能已被他人恢复。',
};

const FORBIDDEN_MESSAGES: Record<ActionInput['action'], string> = {
  claim: '只有本服务队的队员可以签收。',
  start: '只有签收人或队长可以开始办理。',
  note: '只有签收人、队长或书记可以添加备注。',
  resolve: '只有签收人或队长可以办结。',
  transfer: '只有签收人、队长或书记可以转交。',
  acceptHandoff: '只有接收服务队的队员可以接收。',
  declineHandoff: '只有接收服务队的队员可以拒收。',
  return: '只有签收人或队长可以退单。',
  approveReturn: '只有辖区书记可以审批退单。',
  rejectReturn: '只有辖区书记可以驳回退单。',
  extend: '只有签收人或队长可以申请延期。',
  approveExtension: '只有辖区书记可以审批延期。',
  rejectExtension: '只有辖区书记可以驳回延期。',
  pause: '只有签收人或队长可以暂停计时。',
  resume: '只有签收人或队长可以恢复计时。',
  merge: '只有两张工单所属服务队的队员可以合并。',
  assign: '只有队长或书记可以指派。',
  cancel: '只有提交人可以取消求助。',
  confirm: '只有提交人或求助对象可以确认和评价。',
  confirmOnBehalf: '只有签收人或队长可以替求助对象记录回访。',
  releaseContent: '只有队长、书记和管理员可以放行待审核的内容。',
  acceptBeneficiary: '没有等待您确认的求助。',
  declineBeneficiary: '没有等待您确认的求助。',
};

/**
 * The need a filing states: all three of category, urgency and description; or, for 请回电
 * (`callBack`), whatever was given, other help at normal urgency and no words otherwise.
 */
function needOf(body: CreateTicketBody) {
  const description = body.description?.trim() ?? '';
  if (body.callBack !== true) {
    const missing = !body.category ? 'category' : !body.urgency ? 'urgency' : !description ? 'description' : null;
    if (missing) {
      const label = fieldLabel(missing);
      throw badRequest('VALIDATION_ERROR', `缺少必填项：「${label}」 (${missing})`, [{ field: missing, rule: 'required', message: `缺少必填项：「${label}」` }]);
    }
  }
  return { ...body, category: body.category ?? 'help', urgency: body.urgency ?? 'normal', description };
}

/** A body's fingerprint, independent of key order. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Areas above a community: their secretaries supervise from afar. */
const ABOVE_COMMUNITY: readonly AreaKind[] = ['district', 'subdistrict'];

/**
 * Whether the viewer sees this ticket only as a secretary above the community (a subdistrict's,
 * a district's): then a list shows its category and status, not the need in the person's words
 * or what they asked for (PIPL's minimum necessary, issue 16.8); opening it shows them (and is recorded).
 */
function overseesFromAbove(viewer: Viewer, row: TicketViewRow): boolean {
  const relations = relationsOf(machineOf(row.ticket), actorFor(viewer, row.areaPath));
  if (relations.size !== 1 || !relations.has('area_secretary')) return false;
  return viewer.secretaryAreas.filter((a) => row.areaPath.startsWith(a.path)).every((a) => ABOVE_COMMUNITY.includes(a.kind));
}

/** Whose own need a ticket is: their reading it is not recorded. */
const OWN_RELATIONS: readonly Relation[] = ['filer', 'beneficiary', 'follower'];

/** A ticket for the same person and need filed this soon after an open one is flagged 可能重复. */
export const DUPLICATE_WINDOW_MS = 72 * 3600_000;

/** A hand-off unanswered this long shows in the secretaries' 待审批 (they may move it themselves). */
export const HANDOFF_WAIT_MS = 30 * 60_000;

/**
 * Times an action is decided again when others keep changing the ticket under it. Each retry
 * means another action was written, so this bounds only a pathological pile-up (ten notes sent
 * at once on one ticket need up to ten).
 */
const MAX_ATTEMPTS = 20;

/**
 * What a list's cursor is bound to: the list's filter (every query field but the cursor and the
 * page size), its order's version and who asked. A cursor is valid only for the same list.
 */
function listKey(viewer: Viewer, query: ListTicketsQuery): string {
  const { cursor: _cursor, limit: _limit, ...filter } = query;
  return stableJson({ order: LIST_ORDER_VERSION, viewer: viewer.id, ...filter, scope: filter.scope ?? 'mine' });
}

/** Bumped whenever the lists' order changes: cursors of the old order are refused. */
const LIST_ORDER_VERSION = 3;

/**
 * A place after this ticket in the lists' order (ListCursor in packages/db), as the list placed
 * it: a ticket claimed since the first page (`since`) at its claim-by time (placedDue there).
 */
function cursorKeys(ticket: TicketRow, since: string): unknown[] {
  if (ticket.dueAt === null || !OPEN_STATUSES.includes(ticket.status)) return ['f', ticket.createdAt.toISOString(), ticket.id, since];
  const placed = ticket.claimedAt !== null && ticket.claimedAt.getTime() > Date.parse(since) ? ticket.responseDueAt : ticket.dueAt;
  return ['o', ticket.queueRank, placed.toISOString(), ticket.id, since];
}

function readListCursor(keys: unknown[]): ListCursor | null {
  const [kind, a, b, c, d] = keys;
  if (kind === 'o' && keys.length === 5 && QUEUE_RANKS.includes(a as number) && isDate(b) && typeof c === 'string' && UUID.test(c) && isDate(d)) {
    return { open: true, rank: a as number, dueAt: b, id: c, since: d };
  }
  if (kind === 'f' && keys.length === 4 && isDate(a) && typeof b === 'string' && UUID.test(b) && isDate(c)) {
    return { open: false, createdAt: a, id: b, since: c };
  }
  return null;
}
