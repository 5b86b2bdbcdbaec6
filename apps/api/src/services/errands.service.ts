import type { CreateErrandBody, DeliverErrandBody, Errand } from '@minhu/contracts';
import type { ErrandsRepository, OrgRepository, TicketsRepository, TicketViewRow } from '@minhu/db';
import { newId } from '@minhu/db';
import { ERRAND_REFUSAL_MESSAGES, errandCheck, errandRefusalMessage, shoppingList, type ErrandRefusal } from '@minhu/domain';
import { conflict, forbidden, notFound } from '../errors.js';
import { canSeeTicket } from './access.js';
import { decodeCursor, encodeCursor, UUID } from './cursor.js';
import type { TicketsService } from './tickets.service.js';
import type { Viewer } from './viewer.js';

/** What the resident's timeline says while the errand runs. */
export const ERRAND_NOTE = '队员正在集中采购';

const forNameOf = (row: TicketViewRow) => row.ticket.beneficiaryName ?? row.filer.name;

/**
 * 409 ERRAND_TICKET_UNAVAILABLE, the only way it is built (here and in the ticket service's claim):
 * `ticket` null when the reply must not say which (one the member may not see, a lost race).
 * `why` overrides the reason's words with the state machine's own.
 */
export function errandUnavailable(ticket: { id: string; number: string | null } | null, reason: ErrandRefusal, why = ERRAND_REFUSAL_MESSAGES[reason]) {
  return conflict('ERRAND_TICKET_UNAVAILABLE', errandRefusalMessage(ticket?.number ?? null, why), {
    ...(ticket ? { ticketId: ticket.id, ...(ticket.number !== null ? { number: ticket.number } : {}) } : {}),
    reason,
  });
}

/**
 * 跑腿批次: a member takes several open tickets of their teams on one trip. The errand claims the
 * unclaimed ones all or none (tickets.claimForErrand), sums the shopping list (the domain's
 * shoppingList), and each delivery resolves its ticket through the ticket service, as a resolve
 * from the ticket's own screen would.
 */
export function createErrandsService(deps: {
  errands: ErrandsRepository;
  tickets: Pick<TicketsRepository, 'views'>;
  ticketService: Pick<TicketsService, 'claimForErrand' | 'act'>;
  org: Pick<OrgRepository, 'userContext'>;
}) {
  const { errands, tickets, ticketService, org } = deps;

  /** The tickets' views in the order of `ids`, in one query; ids with no ticket are left out. */
  async function views(ids: readonly string[]) {
    const byId = new Map((await tickets.views(ids)).map((r) => [r.ticket.id, r]));
    return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  }

  /** The errand as its member, the leaders of its tickets' teams and admins see it; else 404. */
  async function visible(viewer: Viewer, id: string) {
    const found = await errands.get(id);
    if (!found) throw notFound('跑腿批次');
    const rows = await views(found.tickets.map((t) => t.ticketId));
    const leads = new Set(viewer.teams.filter((t) => t.role === 'leader').map((t) => t.id));
    const may = viewer.isAdmin || found.errand.memberId === viewer.id || rows.some((r) => r.ticket.teamId !== null && leads.has(r.ticket.teamId));
    if (!may) throw notFound('跑腿批次');
    return { ...found, rows };
  }

  async function present(found: Awaited<ReturnType<typeof visible>>): Promise<Errand> {
    const { errand, tickets: members, rows } = found;
    const byId = new Map(rows.map((r) => [r.ticket.id, r]));
    const member = await org.userContext(errand.memberId);
    const ordered = members.flatMap((m) => (byId.has(m.ticketId) ? [{ row: byId.get(m.ticketId)!, deliveredAt: m.deliveredAt }] : []));
    return {
      id: errand.id,
      memberId: errand.memberId,
      memberName: member?.name ?? '',
      note: errand.note,
      createdAt: errand.createdAt.toISOString(),
      doneAt: errand.doneAt?.toISOString() ?? null,
      tickets: ordered.map(({ row, deliveredAt }) => ({
        id: row.ticket.id,
        number: row.ticket.number,
        status: row.ticket.status,
        category: row.ticket.category,
        address: row.ticket.address,
        forName: forNameOf(row),
        deliveredAt: deliveredAt?.toISOString() ?? null,
      })),
      shoppingList: shoppingList(
        ordered.map(({ row }) => ({
          ticketId: row.ticket.id,
          number: row.ticket.number,
          forName: forNameOf(row),
          address: row.ticket.address,
          items: row.items.map((i) => ({ name: i.name, quantity: Number(i.quantity), unit: i.unit, note: i.note })),
        })),
      ),
    };
  }

  return {
    async create(viewer: Viewer, body: CreateErrandBody, now: Date): Promise<Errand> {
      if (viewer.teams.length === 0) throw forbidden('只有服务队队员可以集中采购。');
      const teamIds = new Set(viewer.teams.map((t) => t.id));
      const running = await errands.running(body.ticketIds);
      const found = new Map((await tickets.views(body.ticketIds)).map((r) => [r.ticket.id, r]));
      const rows: TicketViewRow[] = [];
      for (const id of body.ticketIds) {
        const row = found.get(id);
        // A ticket the member may not see is refused like one of another team: the reply says
        // nothing about whether it exists.
        if (!row || !canSeeTicket(viewer, row)) throw errandUnavailable({ id, number: null }, 'other_team');
        const check = errandCheck({ ...row.ticket, inErrand: running.has(id) }, { userId: viewer.id, teamIds });
        if (!check.ok) throw errandUnavailable({ id, number: row.ticket.number }, check.reason);
        rows.push(row);
      }
      const errand = { id: newId(now.getTime()), memberId: viewer.id, note: body.note?.trim() || null, createdAt: now };
      try {
        await ticketService.claimForErrand(viewer, rows, ERRAND_NOTE, now, (tx) => errands.insert(tx, errand, body.ticketIds));
      } catch (error) {
        // Two errands racing for one ticket: the running-errand index lets one in.
        if ((error as { code?: string }).code === '23505' || String((error as { cause?: { code?: string } }).cause?.code) === '23505') {
          throw errandUnavailable(null, 'in_errand');
        }
        throw error;
      }
      return present(await visible(viewer, errand.id));
    },

    async get(viewer: Viewer, id: string): Promise<Errand> {
      return present(await visible(viewer, id));
    },

    async list(viewer: Viewer, query: { limit?: number; cursor?: string }) {
      const limit = query.limit ?? 20;
      const beforeId = query.cursor ? decodeCursor(query.cursor, ([id]) => (typeof id === 'string' && UUID.test(id) ? id : null)) : undefined;
      const rows = await errands.ofMember(viewer.id, { limit: limit + 1, ...(beforeId ? { beforeId } : {}) });
      const page = rows.slice(0, limit);
      const items: Errand[] = [];
      for (const { id } of page) items.push(await present(await visible(viewer, id)));
      return { items, nextCursor: rows.length > limit ? encodeCursor([page[page.length - 1]!.id]) : null };
    },

    /** Delivers one ticket of the errand: resolves it with the note and photos, then marks it delivered. */
    async deliver(viewer: Viewer, id: string, body: DeliverErrandBody, now: Date): Promise<Errand> {
      const found = await visible(viewer, id);
      if (found.errand.memberId !== viewer.id && !found.rows.some((r) => viewer.teams.some((t) => t.role === 'leader' && t.id === r.ticket.teamId))) {
        throw forbidden('只有跑腿的队员或队长可以登记送达。');
      }
      const entry = found.tickets.find((t) => t.ticketId === body.ticketId);
      if (!entry) throw notFound('这张工单 (不在这趟跑腿里)');
      if (entry.deliveredAt) throw conflict('INVALID_TRANSITION', '这张工单已经送达办结。', { ticketId: body.ticketId });
      await ticketService.act(viewer, body.ticketId, { action: 'resolve', text: body.text?.trim() || '集中采购已送达', attachments: body.attachments ?? [] }, undefined, now);
      await errands.markDelivered(id, body.ticketId, now);
      return present(await visible(viewer, id));
    },
  };
}

export type ErrandsService = ReturnType<typeof createErrandsService>;
