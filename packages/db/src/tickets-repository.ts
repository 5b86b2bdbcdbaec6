import { and, asc, desc, eq, getTableColumns, inArray, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { alias, PgDialect } from 'drizzle-orm/pg-core';
import { OPEN_STATUSES, QUEUE_RANKS, type Category, type MachineTicket, type NotifyBy, type SpecialTag, type TicketStatus, type Urgency } from '@minhu/domain';
import type { DbHandle, Executor } from './create-db.js';
import { notificationsJson, type PlannedNotifications } from './notifications-repository.js';
import { withFastRows } from './row-mapper.js';
import { areas, auditLog, idempotencyKeys, notificationDeliveries, notifications, teamMembers, teams, ticketCounters, ticketEvents, ticketItems, tickets, uploads, users } from './schema.js';
import { sqlLiterals, statusIn } from './status-sql.js';

export type TicketRow = typeof tickets.$inferSelect;
export type NewTicketRow = typeof tickets.$inferInsert;
export type NewItemRow = Omit<typeof ticketItems.$inferInsert, 'ticketId' | 'position'>;
export interface NewEvent {
  type: string;
  actorId: string | null;
  at: Date;
  data: Record<string, unknown>;
}

export interface TicketViewRow {
  ticket: TicketRow;
  areaPath: string;
  team: { name: string; phone: string | null } | null;
  assignee: { name: string; phone: string | null } | null;
  filer: { name: string; phone: string | null };
  items: { name: string; quantity: number; unit: string | null; note: string | null }[];
  /** The register's facts on the person it is for (null when filed for oneself). */
  beneficiaryPerson: BeneficiaryPerson | null;
}

export interface BeneficiaryPerson {
  specialTags: SpecialTag[];
  notifyBy: NotifyBy | null;
  hasApp: boolean;
  phone: string | null;
}

/** The register's facts on a ticket's beneficiary, for a ticket row named by `beneficiaryId`. */
const beneficiaryJson = (beneficiaryId: SQL) => sql`(
      SELECT json_build_object('specialTags', b.special_tags, 'notifyBy', b.notify_by, 'phone', b.phone,
        'hasApp', b.wechat_openid IS NOT NULL OR EXISTS (SELECT 1 FROM refresh_tokens rt WHERE rt.user_id = b.id))
      FROM users b WHERE b.id = ${beneficiaryId})`;

/** A timeline entry as the detail reads it (`at` already in ISO form). */
export interface TicketEventRow {
  id: number;
  type: string;
  actorId: string | null;
  actorName: string | null;
  at: string;
  data: Record<string, unknown>;
}

/**
 * One ticket's sweep outcome, decided on the ticket as read at `version`: with `changed`, its new
 * state (a new version); without, only its next look.
 */
export type SweepUpdate =
  | {
      id: string;
      version: number;
      changed: true;
      status: TicketStatus;
      closed_at: Date | null;
      escalation_level: number;
      stale_claim_at: Date | null;
      due_at: Date | null;
      sweep_at: Date | null;
    }
  | { id: string; version: number; changed: false; sweep_at: Date | null };

/** Which tickets a list covers; the service has already checked the caller may ask for it. */
export type TicketScopeFilter =
  | { kind: 'people'; filedOrFor?: string; assignedTo?: string }
  | { kind: 'teams'; teamIds: string[] }
  /** Tickets offered to these teams by a hand-off not yet answered (their 待接收). */
  | { kind: 'handoffs'; teamIds: string[] }
  /**
   * 待审批 under these area paths (null: everywhere): a return or an extension waiting for a
   * secretary, or a hand-off nobody has answered since before `handoffBefore`.
   */
  | { kind: 'pending'; paths: string[] | null; handoffBefore: Date }
  /** Everything under these area paths; `null`: everything (admins). */
  | { kind: 'areas'; paths: string[] | null };

export interface TicketListFilter {
  scope: TicketScopeFilter;
  /** Narrow to the subtree of this area path. */
  withinPath?: string;
  /** Narrow to one team's tickets. */
  teamId?: string;
  status?: TicketStatus;
  open?: boolean;
  category?: Category;
  urgency?: Urgency;
  overdue?: boolean;
  now: Date;
  limit: number;
  after?: ListCursor;
}

/**
 * A place in the lists' order (queue-order.ts in the domain): after an open ticket, its rank, due
 * time and id; after a finished one, its filing time and id (finished tickets come newest first).
 * `since`: a minute before the list's first page was read (sinceOf). Every page of the list
 * places a ticket claimed after it at its claim-by time (see `placedDue`), so each ticket has one
 * place for all the pages: one claimed while they are read, whose due time moves from claim-by to
 * resolve-by, is neither shown again further down nor skipped.
 */
export type ListCursor =
  | { open: true; rank: number; dueAt: string; id: string; since: string }
  | { open: false; createdAt: string; id: string; since: string };

const dialect = new PgDialect();

/** Where a notification's text names the ticket's number before the number exists. */
export const NUMBER_SLOT = '{{number}}';

/** Dates as the day in China, yyyy-mm-dd (one formatter: making one costs more than a request's SQL). */
const chinaDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' });

/**
 * A row as one JSON parameter for `jsonb_populate_record(NULL::table, …)`, with the column list
 * and the `r.`-prefixed values to insert: the statement's text depends only on which fields are
 * set, so it is prepared once.
 */
function jsonRecord(table: typeof tickets, row: object) {
  const values = row as Record<string, unknown>;
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  const keys = Object.keys(values).filter((k) => values[k] !== undefined && columns[k]);
  const names = keys.map((k) => columns[k]!.name);
  return {
    columns: sql.raw(names.map((n) => `"${n}"`).join(', ')),
    values: sql.raw(names.map((n) => `r."${n}"`).join(', ')),
    json: JSON.stringify(Object.fromEntries(keys.map((k, i) => [names[i], values[k]]))),
  };
}

/**
 * What follows a ticket's write in the same statement, for the ticket in CTE `t` (id, number):
 * its events in order (e), notifications with NUMBER_SLOT filled (n) and their deliveries (d),
 * and the uploads attached (a, counted by the caller: fewer than asked means someone else's).
 */
function sequel(input: { events: readonly NewEvent[]; notifications: PlannedNotifications; attachments: { ids: readonly string[]; ownerId: string } }): SQL {
  const events = JSON.stringify(input.events.map((e) => ({ type: e.type, actor_id: e.actorId, at: e.at, data: e.data })));
  const notes = notificationsJson(input.notifications);
  return sql`e AS (
      INSERT INTO ${ticketEvents} (ticket_id, type, actor_id, at, data)
      SELECT t.id, r.type, r.actor_id, r.at, r.data
      FROM t, ROWS FROM (jsonb_populate_recordset(NULL::${ticketEvents}, ${events}::jsonb)) WITH ORDINALITY AS r
      ORDER BY r.ordinality
    ), n AS (
      INSERT INTO ${notifications} (id, user_id, type, ticket_id, title, body, created_at)
      SELECT r.id, r.user_id, r.type, t.id, replace(r.title, ${NUMBER_SLOT}, t.number), replace(r.body, ${NUMBER_SLOT}, t.number), r.created_at
      FROM t, jsonb_populate_recordset(NULL::${notifications}, ${notes.notifications}::jsonb) r
    ), d AS (
      INSERT INTO ${notificationDeliveries} (id, notification_id, channel, next_attempt_at)
      SELECT r.id, r.notification_id, r.channel, r.next_attempt_at
      FROM t, jsonb_populate_recordset(NULL::${notificationDeliveries}, ${notes.deliveries}::jsonb) r
    ), a AS (
      UPDATE ${uploads} u SET ticket_id = t.id FROM t
      WHERE u.id = ANY(string_to_array(${input.attachments.ids.join(',')}, ',')::uuid[])
        AND u.owner_id = ${input.attachments.ownerId} AND u.ticket_id IS NULL
      RETURNING u.id
    )`;
}

/** A ticket's items as the view shows them, in order: `from` names the rows as `i`. */
function itemsJson(from: SQL): SQL {
  return sql`(
      SELECT coalesce(json_agg(json_build_object('name', i.name, 'quantity', i.quantity, 'unit', i.unit, 'note', i.note) ORDER BY i.position), '[]'::json)
      FROM ${from})`;
}

/**
 * The view of the ticket in CTE `t` (its new state, `RETURNING *`) as the writing statement's own
 * result, with the names and items the view shows: the reply needs no second round trip.
 * `items`: where its items are visible (rows inserted by the same statement are not in the table).
 */
function viewOfWritten(items: SQL): SQL {
  return sql`row_to_json(t) AS ticket, ar.path AS area_path,
      CASE WHEN tm.id IS NULL THEN NULL ELSE json_build_object('name', tm.name, 'phone', tm.phone) END AS team,
      CASE WHEN asg.id IS NULL THEN NULL ELSE json_build_object('name', asg.name, 'phone', asg.phone) END AS assignee,
      json_build_object('name', f.name, 'phone', f.phone) AS filer,
      ${beneficiaryJson(sql`coalesce(t.beneficiary_user_id, t.beneficiary_invited_id)`)} AS beneficiary_person,
      ${itemsJson(sql`${items} i`)} AS items
    FROM t JOIN ${areas} ar ON ar.id = t.area_id JOIN ${users} f ON f.id = t.filed_by_id
      LEFT JOIN ${teams} tm ON tm.id = t.team_id LEFT JOIN ${users} asg ON asg.id = t.assignee_id`;
}

interface WrittenViewRow {
  ticket: Record<string, unknown>;
  area_path: string;
  team: TicketViewRow['team'];
  assignee: TicketViewRow['assignee'];
  filer: TicketViewRow['filer'];
  items: TicketViewRow['items'];
  beneficiary_person: BeneficiaryPerson | null;
}

const ticketColumns = Object.entries(getTableColumns(tickets));

/** A written view's row as the view query gives it: the ticket's columns decoded from its JSON. */
function writtenView(row: WrittenViewRow): TicketViewRow {
  const ticket = Object.fromEntries(
    ticketColumns.map(([key, column]) => {
      const value = row.ticket[column.name];
      return [key, value === null || value === undefined ? null : column.mapFromDriverValue(value)];
    }),
  ) as TicketRow;
  return { ticket, areaPath: row.area_path, team: row.team, assignee: row.assignee, filer: row.filer, items: row.items, beneficiaryPerson: row.beneficiary_person };
}

/** A machine ticket's pending requests as the ticket row's columns (null where none waits). */
function requestColumns(next: MachineTicket) {
  return {
    handoffToTeamId: next.handoff?.toTeamId ?? null,
    handoffReason: next.handoff?.reason ?? null,
    handoffRequestedAt: next.handoff?.requestedAt ?? null,
    handoffRequestedById: next.handoff?.requestedById ?? null,
    handoffCount: next.handoffCount,
    returnReason: next.returnRequest?.reason ?? null,
    returnRequestedAt: next.returnRequest?.requestedAt ?? null,
    returnRequestedById: next.returnRequest?.requestedById ?? null,
    extensionUntil: next.extension?.until ?? null,
    extensionReason: next.extension?.reason ?? null,
    extensionRequestedAt: next.extension?.requestedAt ?? null,
    extensionRequestedById: next.extension?.requestedById ?? null,
    contentHeldAt: next.contentHold?.requestedAt ?? null,
    pauseReason: next.pause?.reason ?? null,
    pausedAt: next.pause?.requestedAt ?? null,
    pauseUntil: next.pause?.until ?? null,
    pausedById: next.pause?.requestedById ?? null,
  };
}

const assignee = alias(users, 'assignee');
const filer = alias(users, 'filer');

export function createTicketsRepository(handle: DbHandle) {
  const { db } = handle;

  const viewFields = {
    ticket: tickets,
    areaPath: areas.path,
    team: { name: teams.name, phone: teams.phone },
    assignee: { name: assignee.name, phone: assignee.phone },
    filer: { name: filer.name, phone: filer.phone },
    items: sql<TicketViewRow['items']>`${itemsJson(sql`${ticketItems} i WHERE i.ticket_id = ${tickets.id}`)}`,
    beneficiaryPerson: sql<BeneficiaryPerson | null>`${beneficiaryJson(sql`coalesce(${tickets.beneficiaryUserId}, ${tickets.beneficiaryInvitedId})`)}`,
  };
  /** The view's joins with the view's fields, or more (the detail's timeline). */
  const viewFrom = (executor: Executor, fields: typeof viewFields) =>
    executor
      .select(fields)
      .from(tickets)
      .innerJoin(areas, eq(areas.id, tickets.areaId))
      .innerJoin(filer, eq(filer.id, tickets.filedById))
      .leftJoin(teams, eq(teams.id, tickets.teamId))
      .leftJoin(assignee, eq(assignee.id, tickets.assigneeId));
  const viewQuery = (executor: Executor) => viewFrom(executor, viewFields);

  // The hottest reads, built once: drizzle spends far longer building a query's SQL than the
  // database takes to run it (a ticket's detail: 1 ms of the API's CPU, 47% of it in drizzle).
  // The detail brings its timeline in the same statement: on this kind of machine each round
  // trip to PostgreSQL costs more CPU (two loopback socket writes) than the queries themselves.
  const prepared = {
    view: withFastRows(viewQuery(db).where(eq(tickets.id, sql.placeholder('id'))).prepare('ticket_view')),
    detail: withFastRows(viewFrom(db, {
      ...viewFields,
      events: sql<TicketEventRow[]>`(
        SELECT coalesce(json_agg(json_build_object('id', e.id, 'type', e.type, 'actorId', e.actor_id, 'actorName', actor.name,
          'at', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'data', e.data) ORDER BY e.id), '[]'::json)
        FROM ${ticketEvents} e LEFT JOIN ${users} actor ON actor.id = e.actor_id WHERE e.ticket_id = ${tickets.id})`,
    } as typeof viewFields)
      .where(eq(tickets.id, sql.placeholder('id')))
      .prepare('ticket_detail')),
    due: withFastRows(db
      .select({ ticket: tickets, areaPath: areas.path })
      .from(tickets)
      .innerJoin(areas, eq(areas.id, tickets.areaId))
      .where(sql`${tickets.sweepAt} <= ${sql.placeholder('now')}::timestamptz`)
      .orderBy(asc(tickets.sweepAt))
      .limit(sql.placeholder('limit'))
      .prepare('tickets_due_for_sweep')),
  };

  const listQueries = new Map<string, { execute(values: Record<string, unknown>): Promise<unknown> }>();
  const listQuery = (where: SQL | undefined) =>
    viewQuery(db)
      .where(where)
      .orderBy(...listOrder(sql.placeholder('since')))
      .limit(sql.placeholder('limit'));

  return {
    /**
     * A new ticket in one statement, atomic without a transaction and one round trip: its
     * resubmission key, the ticket with its human number (MH-20261128-000123: the day in China,
     * then a sequence), items, events, notifications with their deliveries, and the filer's
     * uploads attached. When the key is already taken nothing is written and the answer is null.
     * Notification texts may name the number as NUMBER_SLOT; it is filled in here.
     */
    async create(
      executor: Executor,
      input: {
        key: { userId: string; key: string; requestHash: string };
        ticket: Omit<NewTicketRow, 'number'> & { id: string; createdAt: Date };
        items: readonly NewItemRow[];
        events: readonly NewEvent[];
        notifications: PlannedNotifications;
        attachments: { ids: readonly string[]; ownerId: string };
        /** The member routing gave it by load: their turn moves to the back (ties go to the longest waiting). */
        assignedByLoad?: { teamId: string; userId: string } | null;
      },
    ): Promise<{ view: TicketViewRow; attached: number } | null> {
      const { key, ticket } = input;
      const byLoad = input.assignedByLoad ?? null;
      const prefix = `MH-${chinaDay.format(ticket.createdAt).replaceAll('-', '')}-`;
      const record = jsonRecord(tickets, ticket);
      const items = JSON.stringify(input.items.map((item, position) => ({ position, name: item.name, quantity: item.quantity, unit: item.unit, note: item.note })));
      const [row] = await handle.rows<WrittenViewRow & { attached: number }>(
        sql`WITH k AS (
              INSERT INTO ${idempotencyKeys} (user_id, key, request_hash, ticket_id, created_at)
              VALUES (${key.userId}, ${key.key}, ${key.requestHash}, ${ticket.id}, ${ticket.createdAt.toISOString()}::timestamptz)
              ON CONFLICT DO NOTHING RETURNING ticket_id
            ), t AS (
              INSERT INTO ${tickets} (${record.columns}, number)
              SELECT ${record.values}, ${prefix} || to_char(nextval('ticket_number_seq'), 'FM999999999000000')
              FROM k, jsonb_populate_record(NULL::${tickets}, ${record.json}::jsonb) r
              RETURNING *
            ), ti AS (
              INSERT INTO ${ticketItems} (ticket_id, position, name, quantity, unit, note)
              SELECT t.id, r.position, r.name, r.quantity, r.unit, r.note
              FROM t, jsonb_populate_recordset(NULL::${ticketItems}, ${items}::jsonb) r
              RETURNING *
            ), lm AS (
              UPDATE ${teamMembers} m SET last_assigned_at = ${ticket.createdAt.toISOString()}::timestamptz FROM t
              WHERE m.team_id = ${byLoad?.teamId ?? null}::uuid AND m.user_id = ${byLoad?.userId ?? null}::uuid
            ), ${sequel(input)}
            SELECT (SELECT count(*) FROM a)::int AS attached, ${viewOfWritten(sql`ti`)}`,
        executor,
      );
      return row ? { view: writtenView(row), attached: row.attached } : null;
    },

    /**
     * 可能重复: open tickets in the category filed since `since` for the same person (who it is
     * for: the beneficiary we know, else the filer filing for themselves), or for the same named
     * person at the same address. Read from the two partial indexes on open tickets, newest first.
     */
    async possibleDuplicates(need: { personId: string | null; areaId: string; beneficiaryName: string | null; category: Category; since: Date }, executor: Executor = db): Promise<string[]> {
      const since = sql`${need.since.toISOString()}::timestamptz`;
      const open = statusIn('status', OPEN_STATUSES);
      const parts: SQL[] = [];
      if (need.personId) {
        parts.push(sql`SELECT id, created_at FROM ${tickets} WHERE ${open} AND category = ${need.category} AND created_at >= ${since}
          AND (CASE WHEN beneficiary_user_id IS NOT NULL THEN beneficiary_user_id WHEN beneficiary_name IS NULL THEN filed_by_id END) = ${need.personId}::uuid`);
      }
      if (need.beneficiaryName) {
        parts.push(sql`SELECT id, created_at FROM ${tickets} WHERE ${open} AND category = ${need.category} AND created_at >= ${since}
          AND area_id = ${need.areaId}::uuid AND beneficiary_name = ${need.beneficiaryName}`);
      }
      if (parts.length === 0) return [];
      const rows = await handle.rows<{ id: string }>(
        sql`SELECT id FROM (${sql.join(parts, sql` UNION `)}) d ORDER BY created_at DESC LIMIT 5`,
        executor,
      );
      return rows.map((r) => r.id);
    },

    /**
     * A read of a ticket's detail by someone who is not its filer or the one it is for (issue
     * 16.8, PIPL's minimum necessary): who, when, which ticket, as what. In the audit log.
     */
    async recordRead(read: { actorId: string; ticketId: string; number: string; as: readonly string[]; at: Date }, executor: Executor = db) {
      await executor.insert(auditLog).values({
        actorId: read.actorId,
        at: read.at,
        entity: 'ticket',
        entityId: read.ticketId,
        action: 'read',
        before: null,
        after: { number: read.number, as: [...read.as] },
      });
    },

    /** Of these tickets, those the person filed, is the beneficiary of or follows (a resident's own). */
    async residentsOwn(ids: readonly string[], userId: string, executor: Executor = db): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows = await handle.rows<{ id: string }>(
        sql`SELECT id FROM ${tickets} WHERE id = ANY(string_to_array(${ids.join(',')}, ',')::uuid[])
          AND (filed_by_id = ${userId}::uuid OR beneficiary_user_id = ${userId}::uuid OR ${userId}::uuid = ANY(followers))`,
        executor,
      );
      return new Set(rows.map((r) => r.id));
    },

    /**
     * Locks two tickets for a merge, in id order (two merges of one pair, either way round, wait
     * for each other instead of deadlocking), and reads their status and version as they now are.
     */
    async lockPair(tx: Executor, a: string, b: string): Promise<Map<string, { status: TicketStatus; version: number }>> {
      const rows = await handle.rows<{ id: string; status: TicketStatus; version: number }>(
        sql`SELECT id, status, version FROM ${tickets} WHERE id IN (${a}::uuid, ${b}::uuid) ORDER BY id FOR UPDATE`,
        tx,
      );
      return new Map(rows.map((r) => [r.id, { status: r.status, version: r.version }]));
    },

    /**
     * The ticket that stays after a merge: the merged one's people follow it, and its timeline
     * says what was merged (a new version: its readers see it changed).
     */
    async absorb(tx: Executor, input: { id: string; followers: readonly string[]; event: NewEvent; now: Date }): Promise<void> {
      await handle.rows(
        sql`WITH t AS (
              UPDATE ${tickets} SET followers = ARRAY(SELECT DISTINCT f FROM unnest(followers || string_to_array(${input.followers.join(',')}, ',')::uuid[]) f ORDER BY f),
                version = version + 1, updated_at = ${input.now.toISOString()}::timestamptz
              WHERE id = ${input.id}::uuid RETURNING id
            )
            INSERT INTO ${ticketEvents} (ticket_id, type, actor_id, at, data)
            SELECT t.id, ${input.event.type}, ${input.event.actorId}::uuid, ${input.event.at.toISOString()}::timestamptz, ${JSON.stringify(input.event.data)}::jsonb FROM t`,
        tx,
      );
    },

    /** Tickets the sweep must look at now, the longest waiting first (read without a lock: see applySweep). */
    async dueForSweep(now: Date, limit: number): Promise<{ ticket: TicketRow; areaPath: string }[]> {
      return prepared.due.execute({ now: now.toISOString(), limit });
    },

    /**
     * A sweep batch's writes in one statement: each ticket only if it is still at the version it
     * was decided on (optimistic, as actions are) and nobody else is writing it at this moment
     * (SKIP LOCKED: two sweeps never wait on each other, so never deadlock), with the events and
     * notifications of the tickets written and no others. A ticket left out is looked at again by
     * the next sweep. Several processes may sweep at once: each escalation and each notification
     * happens once. Returns how many tickets were written, and which of them changed.
     */
    async applySweep(
      input: { updates: readonly SweepUpdate[]; events: readonly (NewEvent & { ticketId: string })[]; notifications: PlannedNotifications },
      now: Date,
    ): Promise<{ written: number; changed: string[] }> {
      const updates = JSON.stringify(input.updates);
      const events = JSON.stringify(input.events.map((e) => ({ ticket_id: e.ticketId, type: e.type, actor_id: e.actorId, at: e.at, data: e.data })));
      const notes = notificationsJson(input.notifications);
      const [row] = await handle.rows<{ written: number; changed: string[] | null }>(
        sql`WITH v AS MATERIALIZED (
              SELECT * FROM jsonb_to_recordset(${updates}::jsonb) AS v(id uuid, version int, changed boolean, status text,
                closed_at timestamptz, escalation_level smallint, due_at timestamptz, sweep_at timestamptz, stale_claim_at timestamptz)
            ), l AS MATERIALIZED (
              SELECT t.id FROM ${tickets} t JOIN v ON v.id = t.id WHERE t.version = v.version
              FOR UPDATE OF t SKIP LOCKED
            ), c AS (
              UPDATE ${tickets} t SET status = v.status, closed_at = v.closed_at, escalation_level = v.escalation_level,
                stale_claim_at = v.stale_claim_at, due_at = v.due_at, sweep_at = v.sweep_at, version = t.version + 1, updated_at = ${now.toISOString()}::timestamptz
              FROM v WHERE t.id = v.id AND v.changed AND t.id IN (SELECT id FROM l)
              RETURNING t.id
            ), m AS (
              UPDATE ${tickets} t SET sweep_at = v.sweep_at
              FROM v WHERE t.id = v.id AND NOT v.changed AND t.id IN (SELECT id FROM l)
            ), e AS (
              INSERT INTO ${ticketEvents} (ticket_id, type, actor_id, at, data)
              SELECT v.ticket_id, v.type, v.actor_id, v.at, v.data
              FROM ROWS FROM (jsonb_to_recordset(${events}::jsonb) AS (ticket_id uuid, type text, actor_id uuid, at timestamptz, data jsonb))
                WITH ORDINALITY AS v(ticket_id, type, actor_id, at, data, n)
              WHERE v.ticket_id IN (SELECT id FROM c)
              ORDER BY v.n
            ), n AS (
              INSERT INTO ${notifications} (id, user_id, type, ticket_id, title, body, created_at)
              SELECT r.id, r.user_id, r.type, r.ticket_id, r.title, r.body, r.created_at
              FROM jsonb_populate_recordset(NULL::${notifications}, ${notes.notifications}::jsonb) r
              WHERE r.ticket_id IN (SELECT id FROM c)
              RETURNING id
            ), d AS (
              INSERT INTO ${notificationDeliveries} (id, notification_id, channel, next_attempt_at)
              SELECT r.id, r.notification_id, r.channel, r.next_attempt_at
              FROM jsonb_populate_recordset(NULL::${notificationDeliveries}, ${notes.deliveries}::jsonb) r
              WHERE r.notification_id IN (SELECT id FROM n)
            )
            SELECT (SELECT count(*) FROM l)::int AS written, (SELECT json_agg(id) FROM c) AS changed`,
      );
      return { written: row!.written, changed: row!.changed ?? [] };
    },

    /**
     * An action's write in one statement, if the ticket is still at the version it was decided
     * on (optimistic: null when someone changed it meanwhile, and nothing is written): the new
     * state with a new version, the action's events, notifications, attachments.
     */
    async change(
      executor: Executor,
      input: {
        id: string;
        version: number;
        next: MachineTicket;
        timing: { dueAt: Date | null; sweepAt: Date | null };
        now: Date;
        events: readonly NewEvent[];
        notifications: PlannedNotifications;
        attachments: { ids: readonly string[]; ownerId: string };
      },
    ): Promise<{ view: TicketViewRow; attached: number } | null> {
      const { next, timing } = input;
      const record = jsonRecord(tickets, {
        status: next.status,
        teamId: next.teamId,
        assigneeId: next.assigneeId,
        claimedAt: next.claimedAt,
        resolvedAt: next.resolvedAt,
        closedAt: next.closedAt,
        resolveDueAt: next.resolveDueAt,
        escalationLevel: next.escalationLevel,
        staleClaimAt: next.staleClaimAt,
        dueAt: timing.dueAt,
        sweepAt: timing.sweepAt,
        ratingSatisfied: next.ratingSatisfied,
        ratingStars: next.ratingStars,
        ratingComment: next.ratingComment,
        beneficiaryUserId: next.beneficiaryUserId,
        beneficiaryInvitedId: next.beneficiaryInvitedId,
        ...requestColumns(next),
        updatedAt: input.now,
      });
      const [row] = await handle.rows<WrittenViewRow & { attached: number }>(
        sql`WITH t AS (
              UPDATE ${tickets} x SET (${record.columns}) = (SELECT ${record.values} FROM jsonb_populate_record(NULL::${tickets}, ${record.json}::jsonb) r),
                version = x.version + 1
              WHERE x.id = ${input.id} AND x.version = ${input.version}
              RETURNING x.*
            ), ${sequel(input)}
            SELECT (SELECT count(*) FROM a)::int AS attached,
              ${viewOfWritten(sql`(SELECT * FROM ${ticketItems} WHERE ticket_id = ${input.id})`)}`,
        executor,
      );
      return row ? { view: writtenView(row), attached: row.attached } : null;
    },

    /** The emergencies a person filed since then, newest first (at most ten): whether a new one pages again. */
    async recentEmergencies(filedById: string, since: Date): Promise<{ number: string; open: boolean }[]> {
      return handle.rows<{ number: string; open: boolean }>(sql`
        SELECT number, ${statusIn('status', OPEN_STATUSES)} AS open FROM ${tickets}
        WHERE filed_by_id = ${filedById} AND urgency = 'emergency' AND created_at >= ${since.toISOString()}::timestamptz
        ORDER BY created_at DESC LIMIT 10`);
    },

    async view(id: string): Promise<TicketViewRow | null> {
      const [row] = await prepared.view.execute({ id });
      return (row as TicketViewRow | undefined) ?? null;
    },

    /** Several tickets' views in one statement (in no particular order; missing ids are left out). */
    async views(ids: readonly string[]): Promise<TicketViewRow[]> {
      if (ids.length === 0) return [];
      return (await viewQuery(db).where(inArray(tickets.id, [...ids]))) as TicketViewRow[];
    },

    /** The ticket with its whole timeline, oldest first, in one statement. */
    async detail(id: string): Promise<(TicketViewRow & { events: TicketEventRow[] }) | null> {
      const [row] = await prepared.detail.execute({ id });
      return (row as (TicketViewRow & { events: TicketEventRow[] }) | undefined) ?? null;
    },

    /**
     * A list, by the filter's shape (which conditions, how many teams or paths) built once and
     * prepared, the values bound at each call: building a list's SQL cost the API more CPU than
     * PostgreSQL spent running it.
     */
    async list(filter: TicketListFilter): Promise<TicketViewRow[]> {
      const shape = shapeOf(filter);
      const values = valuesOf(filter);
      let query = listQueries.get(shape);
      if (!query) {
        // Built once per shape. The values given at each call come from valuesOf, which must
        // agree with what the builders bound: checked here, at the first call of each shape.
        const built = listConditions(filter);
        for (const [name, value] of Object.entries(built.values)) {
          if (values[name] !== value) throw new Error(`ticket list: valuesOf gives ${String(values[name])} for ${name}, the statement binds ${String(value)}`);
        }
        query = withFastRows(listQuery(built.where).prepare(`ticket_list_${listQueries.size}`));
        // A bounded number of shapes in practice; a bound all the same.
        if (listQueries.size >= 200) listQueries.delete(listQueries.keys().next().value!);
        listQueries.set(shape, query);
      }
      return (await query.execute(values)) as TicketViewRow[];
    },

    /**
     * The member home's counters, exact: 待签收 (their teams' tickets waiting for a claim), 我的
     * (open tickets assigned to them), 超时 (their teams' open tickets past the due time that
     * applies now) and 待接收 (hand-offs offered to their teams). The first three are sums of the
     * counter rows the ticket statements keep (ticket_counters, schema.ts); 超时 sums the hours of
     * due times before the current hour from them and counts the current hour's from the queue
     * index (due time from the hour's start to now), so a count costs the team's hours with open
     * tickets plus the tickets falling due this hour, never the backlog. All in one statement, so
     * one snapshot: a ticket's write and its counter rows are seen together or not at all.
     */
    async counts(input: CountsInput): Promise<{ unclaimed: number; mine: number; overdue: number; incoming: number }> {
      const [row] = await handle.rows<{ unclaimed: number; mine: number; overdue: number; incoming: number }>(countsQuery(input));
      return row!;
    },

    /**
     * Folds each counter key's delta rows into one (and drops keys that sum to nothing), in one
     * statement: readers see the rows before or after, and the sums are the same. Rows a writer
     * appends meanwhile are not in this statement's snapshot and stay for the next time; two
     * compactions at once fold each row once (a row the other deleted is skipped). Returns how
     * many rows were folded.
     */
    async compactCounters(): Promise<number> {
      const [row] = await handle.rows<{ folded: number }>(sql`WITH k AS (
          SELECT kind, group_id, bucket FROM ${ticketCounters} GROUP BY 1, 2, 3 HAVING count(*) > 1 OR sum(n) = 0
        ), d AS (
          DELETE FROM ${ticketCounters} c USING k WHERE c.kind = k.kind AND c.group_id = k.group_id AND c.bucket = k.bucket
          RETURNING c.kind, c.group_id, c.bucket, c.n
        ), i AS (
          INSERT INTO ${ticketCounters} (kind, group_id, bucket, n)
          SELECT kind, group_id, bucket, sum(n)::integer FROM d GROUP BY 1, 2, 3 HAVING sum(n) <> 0
          RETURNING 1
        )
        SELECT (SELECT count(*) FROM d)::int AS folded, (SELECT count(*) FROM i)::int AS kept`);
      return row!.folded;
    },

    /** The counters' statement as `counts` sends it (the bench replays it). */
    countsStatement(input: CountsInput): { text: string; values: unknown[] } {
      const { sql: text, params } = dialect.sqlToQuery(countsQuery(input));
      return { text, values: params };
    },

    /** A list's statement as `list` sends it: its text, and for each $n the value's name (the bench replays it). */
    listStatement(filter: TicketListFilter): { text: string; parameters: string[] } {
      const { sql: text, params } = listQuery(listConditions(filter).where).toSQL();
      return { text, parameters: params.map((p) => (p as { name: string }).name) };
    },
  };
}

export type TicketsRepository = ReturnType<typeof createTicketsRepository>;

interface CountsInput {
  teamIds: readonly string[];
  assigneeId: string;
  now: Date;
}

/** Counter kinds in ticket_counters (migration 0018). */
const COUNTER = { unclaimed: 1, mine: 2, dueHour: 3 } as const;
const HOUR_MS = 3600_000;

/** The member home's counters in one statement (see `counts`). */
function countsQuery(input: CountsInput): SQL {
  const teamIds = sql`string_to_array(${input.teamIds.join(',')}, ',')::uuid[]`;
  const hour = Math.floor(input.now.getTime() / HOUR_MS);
  const sum = (kind: number, groups: SQL, more: SQL = sql``) =>
    sql`(SELECT coalesce(sum(c.n), 0) FROM ${ticketCounters} c WHERE c.group_id = ANY(${groups}) AND c.kind = ${sql.raw(String(kind))}${more})`;
  return sql`SELECT
      ${sum(COUNTER.unclaimed, teamIds)}::int AS unclaimed,
      ${sum(COUNTER.mine, sql`ARRAY[${input.assigneeId}::uuid]`)}::int AS mine,
      (${sum(COUNTER.dueHour, teamIds, sql` AND c.bucket < ${hour}`)} + (SELECT coalesce(sum(c.n), 0)
        FROM unnest(${teamIds}) AS g(id)
        CROSS JOIN unnest(ARRAY[${OPEN}]::text[]) AS s(status)
        CROSS JOIN unnest(ARRAY[${sql.raw(QUEUE_RANKS.join(', '))}]::smallint[]) AS r(rank)
        CROSS JOIN LATERAL (
          SELECT count(*) AS n FROM ${tickets} x
          WHERE x.team_id = g.id AND x.status = s.status AND x.status IN (${OPEN}) AND x.queue_rank = r.rank
            AND x.due_at >= ${new Date(hour * HOUR_MS).toISOString()}::timestamptz AND x.due_at < ${input.now.toISOString()}::timestamptz
        ) c))::int AS overdue,
      (SELECT count(*) FROM ${tickets} x WHERE x.handoff_to_team_id = ANY(${teamIds}))::int AS incoming`;
}

/**
 * Puts a value into a statement. The default puts the value itself; a list's binder puts a named
 * placeholder and keeps the value, so the statement's text depends only on the filter's shape.
 */
type Bind = <T>(name: string, value: T) => T | Placeholder;
const inline: Bind = (_name, value) => value;

/** The SQL condition of a scope over `tickets` (shared by lists, metrics and the ledger). */
export function scopeCondition(scope: TicketScopeFilter, bind: Bind = inline): SQL | undefined {
  switch (scope.kind) {
    case 'people': {
      const parts: SQL[] = [];
      if (scope.filedOrFor) {
        const who = bind('filedOrFor', scope.filedOrFor);
        parts.push(
          eq(tickets.filedById, who),
          eq(tickets.beneficiaryUserId, who),
          // Tickets theirs were merged into (on tickets_followers_idx, which holds only those).
          sql`(${tickets.followers} <> '{}'::uuid[] AND ${tickets.followers} @> ARRAY[${who}]::uuid[])`,
        );
      }
      if (scope.assignedTo) parts.push(eq(tickets.assigneeId, bind('assignedTo', scope.assignedTo)));
      return parts.length > 0 ? or(...parts) : sql`false`;
    }
    case 'teams':
      return scope.teamIds.length > 0 ? inArray(tickets.teamId, scope.teamIds.map((id, i) => bind(`team${i}`, id))) : sql`false`;
    case 'handoffs':
      return scope.teamIds.length > 0
        ? inArray(tickets.handoffToTeamId, scope.teamIds.map((id, i) => bind(`team${i}`, id)))
        : sql`false`;
    case 'areas':
      return withinCompounds(scope.paths, bind);
    case 'pending': {
      // Written so that it implies tickets_pending_compound_idx's predicate: the index holds them all.
      const waiting = sql`(${tickets.returnRequestedAt} IS NOT NULL OR ${tickets.extensionRequestedAt} IS NOT NULL
        OR (${tickets.handoffToTeamId} IS NOT NULL AND ${tickets.handoffRequestedAt} < ${bind('handoffBefore', scope.handoffBefore.toISOString())}::timestamptz))`;
      const within = withinCompounds(scope.paths, bind);
      return within ? and(within, waiting) : waiting;
    }
  }
}

/** Tickets of the compounds under these area paths (null: everywhere). */
function withinCompounds(paths: string[] | null, bind: Bind): SQL | undefined {
  if (paths === null) return undefined;
  if (paths.length === 0) return sql`false`;
  // By compound, which tickets index with their creation time; secretaries sit at or above it.
  return sql`${tickets.compoundId} IN (SELECT id FROM ${areas} WHERE kind = 'compound' AND (${sql.join(
    paths.map((p, i) => sql`path LIKE ${bind(`path${i}`, p + '%')}`),
    sql` OR `,
  )}))`;
}

const OPEN = sql.raw(sqlLiterals(OPEN_STATUSES));
/** Open and claimed (the claimed-at indexes' predicate). */
const CLAIMED = sql.raw(sqlLiterals(OPEN_STATUSES.filter((s) => s !== 'assigned')));

/** The overdue filter on a ticket read from an index as `x`: by the due time that applies now. */
function overdueOf(filter: Pick<TicketListFilter, 'overdue' | 'now'>, bind: Bind): SQL[] {
  if (filter.overdue === true) return [sql`x.due_at < ${instant(bind, 'now', filter.now)}`];
  if (filter.overdue === false) return [sql`x.due_at >= ${instant(bind, 'now', filter.now)}`];
  return [];
}
const isFinished = sql`(${tickets.status} NOT IN (${OPEN}))`;
const ifOpen = (value: SQL | typeof tickets.id) => sql`CASE WHEN ${isFinished} THEN NULL ELSE ${value} END`;

/**
 * Where a list's pages place an open ticket: one claimed after `since` (a minute before the first
 * page) at its claim-by time, the due time that applied while it waited (a claim is the action
 * that moves an open ticket's due time within the queue it is in: claim-by → resolve-by); any
 * other at its due time. Fixed for all the pages of a list, so keyset paging repeats and skips
 * nothing a claim moved. The minute covers a claim stamped before the first page but written
 * after it was read (a request's time is taken when it starts).
 */
const placedDue = (since: SQL | Placeholder) =>
  sql`CASE WHEN ${tickets.claimedAt} > ${since}::timestamptz THEN ${tickets.responseDueAt} ELSE ${tickets.dueAt} END`;

/** The lists' order (queue-order.ts in the domain): open by rank, due time (as placed), id; then finished, newest first. */
const listOrder = (since: SQL | Placeholder) => [
  isFinished,
  ifOpen(sql`${tickets.queueRank}`),
  ifOpen(placedDue(since)),
  ifOpen(tickets.id),
  desc(tickets.createdAt),
  desc(tickets.id),
];

/**
 * A list's conditions with placeholders, the values for them, and the shape that names the
 * statement. Queues (a team's, a member's own, an area's, everyone's for admins) are read from the
 * queue indexes (`queuePage`); other lists (a resident's own, a few dozen tickets) are sorted.
 */
function listConditions(filter: TicketListFilter) {
  const values: Record<string, unknown> = {};
  const bind: Bind = (name, value) => {
    values[name] = value;
    return sql.placeholder(name);
  };
  const where = queuePage(filter, bind) ?? sortedList(filter, bind);
  return { values, where };
}

/**
 * What a list's statement text depends on, without building it: which scope and how many teams
 * or paths, which filters are set (the status itself: it picks the index ranges), whether after a
 * cursor and in which part. Building and rendering the statement to find its shape cost more of
 * the API's CPU on a queue page than anything else of its own (profiled: 0.3 ms a request).
 */
function shapeOf(f: TicketListFilter): string {
  const s = f.scope;
  const teams = s.kind === 'teams' || s.kind === 'handoffs' ? `${s.teamIds.length}${f.teamId ? (s.teamIds.includes(f.teamId) ? 'in' : 'out') : ''}` : '';
  const paths = s.kind === 'areas' || s.kind === 'pending' ? (s.paths === null ? 'all' : String(s.paths.length)) : '';
  const people = s.kind === 'people' ? `${s.filedOrFor ? 'f' : ''}${s.assignedTo ? 'a' : ''}` : '';
  const set = (v: unknown) => (v === undefined ? '' : 'y');
  return [s.kind, teams, paths, people, set(f.withinPath), set(f.teamId), f.status ?? '', String(f.open), set(f.category), set(f.urgency), String(f.overdue), f.after ? (f.after.open ? 'open' : 'done') : ''].join('|');
}

/**
 * Every value a list's statement may bind, by the names the builders give them (a statement
 * takes the ones it names): what listConditions would bind, without building anything.
 */
function valuesOf(f: TicketListFilter): Record<string, unknown> {
  const s = f.scope;
  const v: Record<string, unknown> = { limit: f.limit, since: sinceOf(f), now: f.now.toISOString() };
  if (s.kind === 'people') {
    if (s.filedOrFor) v.filedOrFor = s.filedOrFor;
    if (s.assignedTo) v.assignedTo = s.assignedTo;
  }
  if (s.kind === 'teams' || s.kind === 'handoffs') s.teamIds.forEach((id, i) => (v[`team${i}`] = id));
  if ((s.kind === 'areas' || s.kind === 'pending') && s.paths) s.paths.forEach((p, i) => (v[`path${i}`] = p + '%'));
  if (s.kind === 'pending') v.handoffBefore = s.handoffBefore.toISOString();
  v.groups = f.teamId ?? (s.kind === 'teams' ? s.teamIds.join(',') : s.kind === 'people' ? s.assignedTo : undefined);
  if (f.withinPath) v.within = f.withinPath + '%';
  if (f.teamId) v.teamId = f.teamId;
  if (f.status) v.status = f.status;
  if (f.category) v.category = f.category;
  if (f.urgency) v.urgency = f.urgency;
  const after = f.after;
  if (after?.open) {
    v.afterRank = after.rank;
    v.afterDue = new Date(after.dueAt).toISOString();
    v.afterId = after.id;
  } else if (after) {
    v.afterCreated = new Date(after.createdAt).toISOString();
    v.afterId = after.id;
  }
  return v;
}

// Dates travel as ISO text: postgres.js is given strings for timestamps (drizzle's setting).
const instant = (bind: Bind, name: string, date: Date | string) => sql`${bind(name, new Date(date).toISOString())}::timestamptz`;

/** How long before a list's first page `since` is (see placedDue). */
export const PLACED_SINCE_MS = 60_000;

/** A list's `since`: the cursor's, or on the first page a minute before now. */
export const sinceOf = (filter: Pick<TicketListFilter, 'after' | 'now'>) =>
  filter.after?.since ?? new Date(filter.now.getTime() - PLACED_SINCE_MS).toISOString();

/**
 * On the pages after the first, finished tickets finished after the first page was read (since +
 * the minute) stood among the open ones then and are not shown again among the finished.
 */
const finishedBeforeFirstPage = (finishedAt: SQL) =>
  sql`${finishedAt} <= ${sql.placeholder('since')}::timestamptz + ${sql.raw(`interval '${PLACED_SINCE_MS / 1000} seconds'`)}`;

/** Any list: its conditions on `tickets`, ordered and limited by the caller (listOrder). */
function sortedList(filter: TicketListFilter, bind: Bind): SQL | undefined {
  const conditions: (SQL | undefined)[] = [scopeCondition(filter.scope, bind)];
  if (filter.withinPath) conditions.push(sql`${areas.path} LIKE ${bind('within', filter.withinPath + '%')}`);
  if (filter.teamId) conditions.push(eq(tickets.teamId, bind('teamId', filter.teamId)));
  if (filter.status) conditions.push(eq(tickets.status, bind('status', filter.status)));
  if (filter.open) conditions.push(statusIn(tickets.status, OPEN_STATUSES));
  if (filter.category) conditions.push(eq(tickets.category, bind('category', filter.category)));
  if (filter.urgency) conditions.push(eq(tickets.urgency, bind('urgency', filter.urgency)));
  if (filter.overdue === true) conditions.push(sql`${tickets.dueAt} < ${instant(bind, 'now', filter.now)}`);
  if (filter.overdue === false) conditions.push(sql`(${tickets.dueAt} IS NULL OR ${tickets.dueAt} >= ${instant(bind, 'now', filter.now)})`);
  const after = filter.after;
  const since = sql.placeholder('since');
  if (after?.open) {
    conditions.push(sql`(${isFinished} OR (${tickets.queueRank}, ${placedDue(since)}, ${tickets.id}) > (${bind('afterRank', after.rank)}::smallint, ${instant(bind, 'afterDue', after.dueAt)}, ${bind('afterId', after.id)}::uuid))`);
  } else if (after) {
    conditions.push(sql`(${isFinished} AND (${tickets.createdAt}, ${tickets.id}) < (${instant(bind, 'afterCreated', after.createdAt)}, ${bind('afterId', after.id)}::uuid))`);
  }
  if (after) conditions.push(sql`(NOT ${isFinished} OR ${finishedBeforeFirstPage(sql`coalesce(${tickets.resolvedAt}, ${tickets.closedAt}, '-infinity')`)})`);
  return and(...conditions);
}

/**
 * A queue's page as the ids of its tickets (`tickets.id = ANY(ARRAY(…))`), or null when the list
 * is not one the queue indexes serve. The open part reads, for each group (team, assignee,
 * compound; none for admins), status and rank, at most `limit` entries of the queue index from
 * the cursor on, already in the lists' order, and keeps the first `limit` of them all; the
 * finished part (lists that show finished tickets too) reads each group's newest from the
 * (group, created_at, id) index the same way. A page's cost follows groups × statuses × ranks ×
 * limit, never the backlog.
 */
function queuePage(filter: TicketListFilter, bind: Bind): SQL | null {
  const { scope } = filter;
  // Hand-offs waiting for a team, requests waiting for a secretary: short lists, sorted.
  if (scope.kind === 'handoffs' || scope.kind === 'pending') return null;
  let group: { column: string; from: SQL } | null;
  // Conditions a group does not already ensure (x: the ticket read from the index).
  const extra: SQL[] = [];
  const idList = (name: string, ids: readonly string[]) => sql`unnest(string_to_array(${bind(name, ids.join(','))}, ',')::uuid[]) AS g(id)`;
  if (filter.teamId) {
    if (scope.kind === 'people') return null;
    if (scope.kind === 'teams' && !scope.teamIds.includes(filter.teamId)) return null;
    group = { column: 'team_id', from: idList('groups', [filter.teamId]) };
    if (scope.kind === 'areas') {
      const inScope = scopeCondition(scope, bind);
      if (inScope) extra.push(sql`x.id IN (SELECT ${tickets.id} FROM ${tickets} WHERE ${tickets.id} = x.id AND ${inScope})`);
    }
  } else if (scope.kind === 'teams') {
    if (scope.teamIds.length === 0) return null;
    group = { column: 'team_id', from: idList('groups', scope.teamIds) };
  } else if (scope.kind === 'areas') {
    if (scope.paths?.length === 0) return null;
    group =
      scope.paths === null
        ? null
        : {
            column: 'compound_id',
            from: sql`(SELECT id FROM ${areas} WHERE kind = 'compound' AND (${sql.join(
              scope.paths.map((p, i) => sql`path LIKE ${bind(`path${i}`, p + '%')}`),
              sql` OR `,
            )})) AS g(id)`,
          };
  } else if (scope.kind === 'people' && scope.assignedTo && !scope.filedOrFor) {
    group = { column: 'assignee_id', from: idList('groups', [scope.assignedTo]) };
  } else {
    return null;
  }

  const openStatuses = filter.status ? OPEN_STATUSES.filter((s) => s === filter.status) : filter.open === false ? [] : OPEN_STATUSES;
  const wantsFinished = !filter.open && filter.overdue !== true && !(filter.status && OPEN_STATUSES.includes(filter.status));
  // A member's own finished tickets have no index of their own: that list is sorted.
  if (wantsFinished && group?.column === 'assignee_id') return null;

  if (filter.withinPath) extra.push(sql`EXISTS (SELECT 1 FROM ${areas} a WHERE a.id = x.area_id AND a.path LIKE ${bind('within', filter.withinPath + '%')})`);
  if (filter.category) extra.push(sql`x.category = ${bind('category', filter.category)}`);
  if (filter.urgency) extra.push(sql`x.urgency = ${bind('urgency', filter.urgency)}`);
  const inGroup = group ? sql.raw(`x.${group.column} = g.id AND `) : sql``;
  const groups = group ? sql`${group.from} CROSS JOIN` : sql``;
  const limit = sql.placeholder('limit');
  const after = filter.after;
  const parts: SQL[] = [];

  if (openStatuses.length > 0 && !(after && !after.open)) {
    const conditions = [...extra, ...overdueOf(filter, bind)];
    // After a cursor: ranks below its rank are done; in its rank, from its place; in the ranks
    // after it, from the start. Each range's start is an index condition of its own (a row
    // comparison over rank, due time and id would start each range at its rank's beginning).
    let ranks = sql`unnest(ARRAY[${sql.raw(QUEUE_RANKS.join(', '))}]::smallint[]) AS r(rank)`;
    // Tickets claimed after `since` are read apart, placed at their claim-by time (placedDue):
    // from the claimed-at indexes, as many as were claimed since, not the backlog.
    const since = sql`${sql.placeholder('since')}::timestamptz`;
    const claimedStatuses = openStatuses.filter((st) => st !== 'assigned');
    if (claimedStatuses.length > 0) conditions.push(sql`(x.status = 'assigned' OR x.claimed_at IS NULL OR x.claimed_at <= ${since})`);
    const movedConditions = [...extra, ...overdueOf(filter, bind)];
    if (after?.open) {
      const rank = sql`${bind('afterRank', after.rank)}::smallint`;
      const afterDue = instant(bind, 'afterDue', after.dueAt);
      const afterId = sql`${bind('afterId', after.id)}::uuid`;
      ranks = sql`(SELECT rank,
            CASE WHEN rank = ${rank} THEN ${afterDue} ELSE '-infinity'::timestamptz END AS due_at,
            CASE WHEN rank = ${rank} THEN ${afterId} ELSE '00000000-0000-0000-0000-000000000000'::uuid END AS id
          FROM unnest(ARRAY[${sql.raw(QUEUE_RANKS.join(', '))}]::smallint[]) AS rank WHERE rank >= ${rank}) AS r`;
      conditions.push(sql`(x.due_at, x.id) > (r.due_at, r.id)`);
      movedConditions.push(sql`(x.queue_rank, x.response_due_at, x.id) > (${rank}, ${afterDue}, ${afterId})`);
    }
    const moved =
      claimedStatuses.length === 0
        ? sql``
        : sql` UNION ALL SELECT m.id, m.queue_rank, m.due_at FROM ${groups} LATERAL (
            SELECT x.id, x.queue_rank, x.response_due_at AS due_at FROM ${tickets} x
            WHERE ${inGroup}x.status IN (${sql.raw(sqlLiterals(claimedStatuses))}) AND x.status IN (${CLAIMED}) AND x.claimed_at > ${since}${sql.join(movedConditions.map((c) => sql` AND ${c}`))}
            ORDER BY x.queue_rank, x.response_due_at, x.id LIMIT ${limit}
          ) m`;
    const ranges = sql`SELECT q.id, q.queue_rank, q.due_at FROM ${groups} unnest(ARRAY[${sql.raw(sqlLiterals(openStatuses))}]::text[]) AS s(status)
        CROSS JOIN ${ranks}
        CROSS JOIN LATERAL (
          SELECT x.id, x.queue_rank, x.due_at FROM ${tickets} x
          WHERE ${inGroup}x.status = s.status AND x.status IN (${OPEN}) AND x.queue_rank = r.rank${sql.join(conditions.map((c) => sql` AND ${c}`))}
          ORDER BY x.due_at, x.id LIMIT ${limit}
        ) q`;
    parts.push(sql`(SELECT u.id FROM (${ranges}${moved}) u
        ORDER BY u.queue_rank, u.due_at, u.id LIMIT ${limit})`);
  }
  if (wantsFinished) {
    const conditions = [...extra];
    if (filter.status) conditions.push(sql`x.status = ${bind('status', filter.status)}`);
    if (after && !after.open) {
      conditions.push(sql`(x.created_at, x.id) < (${instant(bind, 'afterCreated', after.createdAt)}, ${bind('afterId', after.id)}::uuid)`);
    }
    if (after) conditions.push(finishedBeforeFirstPage(sql`coalesce(x.resolved_at, x.closed_at, '-infinity')`));
    // Read only when the open part leaves room on the page (a one-time check before any scan):
    // for everyone's list (admins) there is no index of finished tickets alone, and the newest
    // tickets, which its index gives first, are the open ones.
    const room = parts.length > 0 ? sql` WHERE (SELECT count(*) FROM o) < ${limit}` : sql``;
    parts.push(sql`(SELECT f.id FROM ${groups} LATERAL (
          SELECT x.id, x.created_at FROM ${tickets} x
          WHERE ${inGroup}x.status NOT IN (${OPEN})${sql.join(conditions.map((c) => sql` AND ${c}`))}
          ORDER BY x.created_at DESC, x.id DESC LIMIT ${limit}
        ) f${room}
        ORDER BY f.created_at DESC, f.id DESC LIMIT ${limit})`);
  }
  if (parts.length === 0) return sql`false`;
  if (parts.length === 1) return sql`${tickets.id} = ANY(ARRAY(${parts[0]!}))`;
  return sql`${tickets.id} = ANY(ARRAY(WITH o AS MATERIALIZED ${parts[0]!} SELECT id FROM o UNION ALL ${parts[1]!}))`;
}
