import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  numeric,
  pgSequence,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import {
  OPEN_STATUSES,
  QUEUE_RANK,
  TICKET_STATUSES,
  type AreaKind,
  type Category,
  type CompoundType,
  type DutyRole,
  type ControlLevel,
  type SpecialTag,
  type Availability,
  type TeamRole,
  type TicketStatus,
  type Urgency,
  NOTIFY_BY,
  type NotifyBy,
} from '@minhu/domain';
import { sqlLiterals, statusIn } from './status-sql.js';

// Millisecond precision with time zone: values round-trip through JS Date exactly.
const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });
const createdAt = () => at('created_at').notNull().defaultNow();

/** Enumerations are text with a CHECK: adding a value is a one-line migration. */
const oneOf = (column: string, values: readonly string[]) => sql.raw(`${column} IN (${sqlLiterals(values)})`);

/**
 * The area tree: district → subdistrict → community/village → compound → grid → building →
 * unit → household. `path` lists the ids from the root to the area itself, separated by '/',
 * so a subtree is one prefix match.
 */
export const areas = pgTable(
  'areas',
  {
    id: uuid('id').primaryKey(),
    parentId: uuid('parent_id').references((): AnyPgColumn => areas.id),
    kind: text('kind').$type<AreaKind>().notNull(),
    compoundType: text('compound_type').$type<CompoundType>(),
    name: text('name').notNull(),
    code: text('code').notNull(),
    path: text('path').notNull(),
    depth: smallint('depth').notNull(),
    controlLevel: text('control_level').$type<ControlLevel>().notNull().default('none'),
    defaultTeamId: uuid('default_team_id'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('areas_code_key').on(t.code),
    index('areas_parent_idx').on(t.parentId),
    index('areas_path_idx').using('btree', sql`${t.path} text_pattern_ops`),
    check(
      'areas_kind_check',
      oneOf('kind', ['district', 'subdistrict', 'community', 'village', 'compound', 'grid', 'building', 'unit', 'household']),
    ),
    check(
      'areas_compound_type_check',
      sql`(kind = 'compound') = (compound_type IS NOT NULL) AND (compound_type IS NULL OR ${oneOf('compound_type', ['residential', 'urban_village', 'key_village', 'unmanaged'])})`,
    ),
    check('areas_control_level_check', oneOf('control_level', ['none', 'precaution', 'controlled', 'sealed'])),
  ],
);

/**
 * Everyone the system knows: residents (including people without a phone who are filed for),
 * team members, secretaries, admins. Roles follow from memberships and area roles.
 */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    phone: text('phone'),
    wechatOpenid: text('wechat_openid'),
    homeAreaId: uuid('home_area_id').references(() => areas.id),
    /** Room or house number inside the home area, e.g. "502室". */
    homeDetail: text('home_detail'),
    /**
     * The home is the register's (the ledger, an import), not only what the person said: false once
     * a resident sets it themselves. Who answers for them in person (包保) is shown only for a
     * verified home, so an account cannot walk the addresses to collect members' phones.
     */
    homeVerified: boolean('home_verified').notNull().default(true),
    /** 人员编号 in a community's households ledger (台账): how an import recognises the person. */
    code: text('code'),
    /** Verified tags (from the ledger, or set by a leader, secretary or admin): they raise priority. */
    specialTags: text('special_tags').array().$type<SpecialTag[]>().notNull().default(sql`'{}'::text[]`),
    /** Tags the person declared for themself, waiting for someone to verify them; they raise nothing. */
    pendingTags: text('pending_tags').array().$type<SpecialTag[]>().notNull().default(sql`'{}'::text[]`),
    tagsVerifiedAt: at('tags_verified_at'),
    tagsVerifiedById: uuid('tags_verified_by_id').references((): AnyPgColumn => users.id),
    /** How they want to hear about their tickets; null: as notifyByOf in the domain decides. */
    notifyBy: text('notify_by').$type<NotifyBy>(),
    /** Who added them by filing for them (an unverified register entry); null for the ledger and the app. */
    addedById: uuid('added_by_id').references((): AnyPgColumn => users.id),
    isAdmin: boolean('is_admin').notNull().default(false),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_phone_key').on(t.phone),
    uniqueIndex('users_wechat_openid_key').on(t.wechatOpenid),
    uniqueIndex('users_code_key').on(t.code),
    index('users_home_area_idx').on(t.homeAreaId),
    check('users_notify_by_check', sql`notify_by IS NULL OR ${oneOf('notify_by', NOTIFY_BY)}`),
  ],
);

/** 书记: a secretary watches an area's subtree. */
export const areaRoles = pgTable(
  'area_roles',
  {
    userId: uuid('user_id').notNull().references(() => users.id),
    areaId: uuid('area_id').notNull().references(() => areas.id),
    role: text('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.areaId, t.role] }),
    check('area_roles_role_check', oneOf('role', ['secretary'])),
  ],
);

/** 民呼我行党员服务队: one per compound, plus optional teams for given categories. */
export const teams = pgTable(
  'teams',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    /** The team's code in the organisation ledger, for imports. */
    code: text('code'),
    areaId: uuid('area_id').notNull().references(() => areas.id),
    /** Empty: the area's general team. Otherwise it takes only these categories. */
    categories: text('categories').array().$type<Category[]>().notNull().default(sql`'{}'::text[]`),
    phone: text('phone'),
    active: boolean('active').notNull().default(true),
    /** Routing gives a member no more open tickets than this when nobody answers for the address (负载均衡). */
    maxOpenPerMember: smallint('max_open_per_member').notNull().default(8),
    createdAt: createdAt(),
  },
  (t) => [index('teams_area_idx').on(t.areaId), uniqueIndex('teams_code_key').on(t.code)],
);

export const teamMembers = pgTable(
  'team_members',
  {
    teamId: uuid('team_id').notNull().references(() => teams.id),
    userId: uuid('user_id').notNull().references(() => users.id),
    role: text('role').$type<TeamRole>().notNull().default('member'),
    dutyRoles: text('duty_roles').array().$type<DutyRole[]>().notNull().default(sql`'{}'::text[]`),
    /** Still on the team (false: left or removed; kept for history). */
    active: boolean('active').notNull().default(true),
    /** On duty, off duty, or unavailable (quarantined, ill): routing only assigns to members on duty. */
    availability: text('availability').$type<Availability>().notNull().default('on_duty'),
    /** Who takes their tickets while they are not on duty. */
    backupMemberId: uuid('backup_member_id').references(() => users.id),
    availabilityNote: text('availability_note'),
    joinedAt: at('joined_at').notNull().defaultNow(),
    /** When routing last gave them a ticket by load (ties between equally loaded members go to the longest waiting). */
    lastAssignedAt: at('last_assigned_at'),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.userId] }),
    index('team_members_user_idx').on(t.userId),
    check('team_members_role_check', oneOf('role', ['leader', 'member'])),
    check('team_members_availability_check', oneOf('availability', ['on_duty', 'off_duty', 'unavailable'])),
  ],
);

/** 包保: a named member responsible for an area (grid/building/unit/household) or a person. */
export const responsibilities = pgTable(
  'responsibilities',
  {
    id: uuid('id').primaryKey(),
    teamId: uuid('team_id').notNull().references(() => teams.id),
    memberId: uuid('member_id').notNull().references(() => users.id),
    areaId: uuid('area_id').references(() => areas.id),
    personId: uuid('person_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('responsibilities_area_idx').on(t.areaId),
    index('responsibilities_person_idx').on(t.personId),
    uniqueIndex('responsibilities_key').on(t.teamId, t.memberId, sql`coalesce(area_id, person_id)`),
    check('responsibilities_target_check', sql`(area_id IS NULL) <> (person_id IS NULL)`),
  ],
);

/** Sends one category of need in an area subtree to a specialised team. */
export const categoryRules = pgTable(
  'category_rules',
  {
    id: uuid('id').primaryKey(),
    areaId: uuid('area_id').notNull().references(() => areas.id),
    category: text('category').$type<Category>().notNull(),
    teamId: uuid('team_id').notNull().references(() => teams.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('category_rules_area_category_key').on(t.areaId, t.category)],
);

export const ticketNumberSeq = pgSequence('ticket_number_seq', { startWith: 1 });

/** Open tickets someone has claimed (the claimed-at indexes). */
const CLAIMED_STATUSES = OPEN_STATUSES.filter((s) => s !== 'assigned');

export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey(),
    number: text('number').notNull(),
    category: text('category').$type<Category>().notNull(),
    urgency: text('urgency').$type<Urgency>().notNull(),
    /** What the filer chose, before routing raised it for a special person. */
    requestedUrgency: text('requested_urgency').$type<Urgency>().notNull(),
    status: text('status').$type<TicketStatus>().notNull(),
    description: text('description').notNull(),
    areaId: uuid('area_id').notNull().references(() => areas.id),
    compoundId: uuid('compound_id').notNull().references(() => areas.id),
    /** Where it is, as people say it ("幸福里小区 3号楼 2单元 502室"), fixed when filed. */
    address: text('address').notNull(),
    teamId: uuid('team_id').references(() => teams.id),
    assigneeId: uuid('assignee_id').references(() => users.id),
    filedById: uuid('filed_by_id').notNull().references(() => users.id),
    contactName: text('contact_name'),
    contactPhone: text('contact_phone'),
    beneficiaryUserId: uuid('beneficiary_user_id').references(() => users.id),
    /**
     * The account a typed phone matched (someone who has the app), asked to accept the ticket as
     * theirs; beneficiary_user_id stays null until they do (issue 16.2).
     */
    beneficiaryInvitedId: uuid('beneficiary_invited_id').references(() => users.id),
    beneficiaryName: text('beneficiary_name'),
    beneficiaryPhone: text('beneficiary_phone'),
    beneficiaryAreaId: uuid('beneficiary_area_id').references(() => areas.id),
    attachments: uuid('attachments').array().notNull().default(sql`'{}'::uuid[]`),
    routeReason: text('route_reason').notNull(),
    flagged: boolean('flagged').notNull().default(false),
    /** 请回电: the person asked only to be called back (one tap, no typing); the claim answers it. */
    callBack: boolean('call_back').notNull().default(false),
    controlLevel: text('control_level').$type<ControlLevel>().notNull().default('none'),
    createdAt: createdAt(),
    claimedAt: at('claimed_at'),
    resolvedAt: at('resolved_at'),
    closedAt: at('closed_at'),
    responseDueAt: at('response_due_at').notNull(),
    resolveDueAt: at('resolve_due_at').notNull(),
    /** The time limits fixed when it was filed (a reopen restarts the resolve clock with them). */
    claimLimitSeconds: integer('claim_limit_seconds').notNull(),
    resolveLimitSeconds: integer('resolve_limit_seconds').notNull(),
    /** How long a claim may sit neither started nor noted before the leader hears (null: the claim limit). */
    staleClaimSeconds: integer('stale_claim_seconds'),
    /** When a claim nobody works on is to be told to the leader (once; cleared by work or by telling). */
    staleClaimAt: at('stale_claim_at'),
    /** The deadline that matters now (see activeDueAt in the domain); null when finished. */
    dueAt: at('due_at'),
    /**
     * Where the queues put it before its due time (QUEUE_RANK in the domain: 0 for emergencies,
     * 1 otherwise), computed by the database from the urgency in the statement that writes it.
     */
    queueRank: smallint('queue_rank')
      .notNull()
      .generatedAlwaysAs(sql.raw(`CASE urgency ${Object.entries(QUEUE_RANK).map(([u, r]) => `WHEN '${u}' THEN ${r}`).join(' ')} END`)),
    ratingSatisfied: boolean('rating_satisfied'),
    ratingStars: smallint('rating_stars'),
    ratingComment: text('rating_comment'),
    /** The highest escalation level reached (1 team, 2 compound/community, 3 subdistrict). */
    escalationLevel: smallint('escalation_level').notNull().default(0),
    /** When the sweep next needs to look at it: the next escalation, or the auto-close of a resolved ticket. */
    sweepAt: at('sweep_at'),
    // 首接负责: a hand-off offered to another team; the ticket stays with its team until accepted.
    handoffToTeamId: uuid('handoff_to_team_id').references(() => teams.id),
    handoffReason: text('handoff_reason'),
    handoffRequestedAt: at('handoff_requested_at'),
    handoffRequestedById: uuid('handoff_requested_by_id').references(() => users.id),
    /** How many times it has moved to another team (after three, only a secretary moves it). */
    handoffCount: smallint('handoff_count').notNull().default(0),
    /** Open tickets for the same person (or the same named person at the same address) and category, filed within 72 h before it. */
    possibleDuplicateOf: uuid('possible_duplicate_of').array().notNull().default(sql`'{}'::uuid[]`),
    /** Filers and beneficiaries of tickets merged into this one: they see it and hear of it. */
    followers: uuid('followers').array().notNull().default(sql`'{}'::uuid[]`),
    // 退单 waiting for a secretary's ruling.
    returnReason: text('return_reason'),
    returnRequestedAt: at('return_requested_at'),
    returnRequestedById: uuid('return_requested_by_id').references(() => users.id),
    // 延期 waiting for a secretary's ruling (granted, it becomes resolve_due_at).
    extensionUntil: at('extension_until'),
    extensionReason: text('extension_reason'),
    extensionRequestedAt: at('extension_requested_at'),
    extensionRequestedById: uuid('extension_requested_by_id').references(() => users.id),
    /** WeChat's content check on the description (pass, review, risky, unchecked); null: not asked (issue 16.9). */
    contentCheck: text('content_check').$type<'pass' | 'review' | 'risky' | 'unchecked'>(),
    /** Text the check called risky waits for the leader to release it since then (never an emergency's). */
    contentHeldAt: at('content_held_at'),
    /** When its free text, items, phones and photos were cleared at the end of RETENTION_DAYS (retention-repository.ts). */
    anonymisedAt: at('anonymised_at'),
    // 暂停计时: the resolve clock stopped until pause_until (resolve_due_at already moved by it).
    pauseReason: text('pause_reason'),
    pausedAt: at('paused_at'),
    pauseUntil: at('pause_until'),
    pausedById: uuid('paused_by_id').references(() => users.id),
    version: integer('version').notNull().default(1),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tickets_number_key').on(t.number),
    // Finished tickets not yet anonymised, by when they finished: what the retention job reads.
    index('tickets_retention_idx')
      .on(sql`coalesce(closed_at, updated_at)`)
      .where(sql`status IN ('closed', 'cancelled') AND anonymised_at IS NULL`),
    // The sweep reads only tickets coming due: its cost follows them, not the table.
    index('tickets_sweep_idx').on(t.sweepAt).where(sql`sweep_at IS NOT NULL`),
    // Queues: open tickets of a team, a member, a compound (secretaries' areas) or all (admins),
    // per status in the lists' order (rank, due time, id; see queue-order.ts in the domain): a
    // page reads one short range of the index per (group, status, rank) and stops, whatever the
    // backlog; counts read ranges of them without the table. Only open tickets, so a queue never
    // reads a team's years of history.
    // claimed_at last (after the unique id it orders nothing): a page leaves out the tickets
    // claimed since its list's first page (placedDue in tickets-repository.ts) from the index
    // alone, without visiting the table for each entry.
    index('tickets_open_team_queue_idx').on(t.teamId, t.status, t.queueRank, t.dueAt, t.id, t.claimedAt).where(statusIn('status', OPEN_STATUSES)),
    index('tickets_open_assignee_queue_idx').on(t.assigneeId, t.status, t.queueRank, t.dueAt, t.id, t.claimedAt).where(statusIn('status', OPEN_STATUSES)),
    index('tickets_open_compound_queue_idx').on(t.compoundId, t.status, t.queueRank, t.dueAt, t.id, t.claimedAt).where(statusIn('status', OPEN_STATUSES)),
    index('tickets_open_queue_idx').on(t.status, t.queueRank, t.dueAt, t.id, t.claimedAt).where(statusIn('status', OPEN_STATUSES)),
    // Tickets claimed since a list's first page, which its pages place at their claim-by time
    // (placedDue in tickets-repository.ts): per group, by claim time, claimed ones only, holding
    // the place (rank, claim-by, id) so that they are read from the index alone. Without the
    // place, the prepared statement's generic plan read the whole claimed backlog through the
    // queue index instead, and PostgreSQL planned the list afresh at every call (1.9 ms).
    index('tickets_claimed_team_idx').on(t.teamId, t.claimedAt, t.queueRank, t.responseDueAt, t.id).where(statusIn('status', CLAIMED_STATUSES)),
    index('tickets_claimed_assignee_idx').on(t.assigneeId, t.claimedAt, t.queueRank, t.responseDueAt, t.id).where(statusIn('status', CLAIMED_STATUSES)),
    index('tickets_claimed_compound_idx').on(t.compoundId, t.claimedAt, t.queueRank, t.responseDueAt, t.id).where(statusIn('status', CLAIMED_STATUSES)),
    index('tickets_claimed_idx').on(t.claimedAt, t.queueRank, t.responseDueAt, t.id).where(statusIn('status', CLAIMED_STATUSES)),
    index('tickets_filed_by_idx').on(t.filedById, t.createdAt),
    index('tickets_beneficiary_idx').on(t.beneficiaryUserId, t.createdAt),
    index('tickets_compound_created_idx').on(t.compoundId, t.createdAt),
    index('tickets_team_created_idx').on(t.teamId, t.createdAt),
    // Lists that show finished tickets too follow the open ones with these, newest first (read
    // backwards): without the open ones in them, a backlog's newest tickets are not read past.
    index('tickets_done_team_created_idx').on(t.teamId, t.createdAt, t.id).where(sql.raw(`status NOT IN (${sqlLiterals(OPEN_STATUSES)})`)),
    index('tickets_done_compound_created_idx').on(t.compoundId, t.createdAt, t.id).where(sql.raw(`status NOT IN (${sqlLiterals(OPEN_STATUSES)})`)),
    // The ledger export of a whole scope reads in filing order, batch after batch (keyset).
    index('tickets_created_idx').on(t.createdAt, t.id),
    // Hand-offs waiting for a team (its 待接收 list), and requests waiting for a secretary (待审批):
    // a handful of rows at any time, whatever the table's size.
    // Duplicates at filing: the open tickets for the same person, or the same name at the same
    // address, in the same category (a handful of rows each).
    index('tickets_open_person_category_idx')
      .on(sql`(CASE WHEN beneficiary_user_id IS NOT NULL THEN beneficiary_user_id WHEN beneficiary_name IS NULL THEN filed_by_id END)`, t.category, t.createdAt)
      .where(statusIn('status', OPEN_STATUSES)),
    // A resident's own list finds the tickets they follow (few tickets have any).
    index('tickets_followers_idx').using('gin', t.followers).where(sql`followers <> '{}'::uuid[]`),
    index('tickets_open_area_category_idx').on(t.areaId, t.category, t.createdAt).where(statusIn('status', OPEN_STATUSES)),
    index('tickets_handoff_team_idx').on(t.handoffToTeamId).where(sql`handoff_to_team_id IS NOT NULL`),
    index('tickets_pending_compound_idx')
      .on(t.compoundId)
      .where(sql`handoff_to_team_id IS NOT NULL OR return_requested_at IS NOT NULL OR extension_requested_at IS NOT NULL`),
    check('tickets_category_check', oneOf('category', ['medicine', 'supplies', 'medical', 'help'])),
    check('tickets_urgency_check', oneOf('urgency', ['normal', 'urgent', 'emergency'])),
    check('tickets_status_check', oneOf('status', TICKET_STATUSES)),
    check('tickets_rating_check', sql`rating_stars IS NULL OR rating_stars BETWEEN 1 AND 5`),
  ],
);

/**
 * The member home's counters (待签收, 我的, 超时) as rows of deltas: kind 1, a team's tickets
 * waiting for a claim (bucket 0); kind 2, a member's open tickets (bucket 0); kind 3, a team's open
 * tickets by the hour their due time falls in (bucket: hours since 1970). Written by triggers on
 * `tickets` in the statement that changes a ticket (migration 0018: one row per key the statement
 * changed, from its old and new rows, never rereading a ticket), appended rather than updated so
 * that writers never wait on each other, and folded into one row per key by `compactCounters`.
 * A counter is the sum of its key's rows. See `counts` in tickets-repository.ts.
 */
export const ticketCounters = pgTable(
  'ticket_counters',
  {
    kind: smallint('kind').notNull(),
    groupId: uuid('group_id').notNull(),
    bucket: integer('bucket').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [index('ticket_counters_key_idx').on(t.groupId, t.kind, t.bucket)],
);

export const ticketItems = pgTable(
  'ticket_items',
  {
    ticketId: uuid('ticket_id').notNull().references(() => tickets.id),
    position: smallint('position').notNull(),
    name: text('name').notNull(),
    quantity: numeric('quantity', { precision: 12, scale: 3, mode: 'number' }).notNull(),
    unit: text('unit'),
    note: text('note'),
  },
  (t) => [
    primaryKey({ columns: [t.ticketId, t.position] }),
    check('ticket_items_quantity_check', sql`quantity > 0`),
  ],
);

/** The timeline: append-only (a trigger refuses UPDATE and DELETE). */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: uuid('ticket_id').notNull().references(() => tickets.id),
    type: text('type').notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    at: at('at').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('ticket_events_ticket_idx').on(t.ticketId, t.id)],
);

/** A client's Idempotency-Key for ticket creation: a resubmitted form finds its ticket. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id').notNull().references(() => users.id),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    ticketId: uuid('ticket_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

/**
 * Rate-limit counters shared by every API process (apps/api/src/plugins/rate-limit.ts): one row
 * per limit and key (an IP, a phone, a person), counting hits until `reset_at`, then starting
 * again. Unlogged: a counter lost in a crash costs nothing. Expired rows go with the sweep.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  resetAt: at('reset_at').notNull(),
});

/** Refresh tokens, stored as hashes; each is used once and replaced (rotation). */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id),
    tokenHash: text('token_hash').notNull(),
    expiresAt: at('expires_at').notNull(),
    revokedAt: at('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash), index('refresh_tokens_user_idx').on(t.userId)],
);

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

/**
 * Uploaded photos (prescriptions, proof of delivery). In the database, so every API process can
 * serve them; they are small (≤ 5 MB) and few per ticket.
 */
export const uploads = pgTable(
  'uploads',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id').notNull().references(() => users.id),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    data: bytea('data').notNull(),
    /** The ticket it was attached to (by its owner, once); who can see that ticket can see it. */
    ticketId: uuid('ticket_id').references(() => tickets.id),
    createdAt: createdAt(),
  },
  (t) => [index('uploads_owner_idx').on(t.ownerId)],
);

/**
 * Time-limit policies per category × urgency, optionally per control level. Replaced as a whole
 * by an admin; a ticket's due times are fixed from the policy in force when it is filed.
 */
export const slaPolicies = pgTable(
  'sla_policies',
  {
    id: uuid('id').primaryKey(),
    category: text('category').$type<Category>().notNull(),
    urgency: text('urgency').$type<Urgency>().notNull(),
    controlLevel: text('control_level').$type<ControlLevel>(),
    claimWithinSeconds: integer('claim_within_seconds').notNull(),
    resolveWithinSeconds: integer('resolve_within_seconds').notNull(),
    /** A claim neither started nor noted this long tells the leader (null: the claim limit). */
    staleClaimSeconds: integer('stale_claim_seconds'),
    createdAt: createdAt(),
    createdById: uuid('created_by_id').references(() => users.id),
  },
  (t) => [
    uniqueIndex('sla_policies_key').on(t.category, t.urgency, sql`coalesce(control_level, '')`),
    check('sla_policies_limits_check', sql`claim_within_seconds > 0 AND resolve_within_seconds >= claim_within_seconds`),
  ],
);

/**
 * The in-app inbox, and the outbox of every other channel: a notification is written in the
 * same transaction as the event that causes it, so a crash can lose none.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id),
    type: text('type').notNull(),
    ticketId: uuid('ticket_id').references(() => tickets.id),
    /** What to say: title and body in plain Chinese, fixed when it was written. */
    title: text('title').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
    readAt: at('read_at'),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.createdAt, t.id)],
);

/** Deliveries beyond the inbox (channel wechat: subscribe messages; sms: text messages), retried with back-off. */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: uuid('id').primaryKey(),
    notificationId: uuid('notification_id').notNull().references(() => notifications.id),
    channel: text('channel').notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: at('next_attempt_at').notNull(),
    lastError: text('last_error'),
    sentAt: at('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('notification_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    check('notification_deliveries_status_check', oneOf('status', ['pending', 'sent', 'failed'])),
  ],
);

/** 双报到: a code a leader or secretary hands out; people who use it ask to join the team. */
export const teamInvites = pgTable(
  'team_invites',
  {
    id: uuid('id').primaryKey(),
    teamId: uuid('team_id').notNull().references(() => teams.id),
    code: text('code').notNull(),
    createdById: uuid('created_by_id').notNull().references(() => users.id),
    expiresAt: at('expires_at').notNull(),
    maxUses: integer('max_uses').notNull(),
    uses: integer('uses').notNull().default(0),
    revokedAt: at('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('team_invites_code_key').on(t.code), check('team_invites_uses_check', sql`uses <= max_uses`)],
);

export const joinRequests = pgTable(
  'join_requests',
  {
    id: uuid('id').primaryKey(),
    teamId: uuid('team_id').notNull().references(() => teams.id),
    userId: uuid('user_id').notNull().references(() => users.id),
    inviteId: uuid('invite_id').notNull().references(() => teamInvites.id),
    status: text('status').$type<'pending' | 'approved' | 'rejected'>().notNull().default('pending'),
    decidedById: uuid('decided_by_id').references(() => users.id),
    decidedAt: at('decided_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('join_requests_team_idx').on(t.teamId, t.status),
    uniqueIndex('join_requests_pending_key').on(t.teamId, t.userId).where(sql`status = 'pending'`),
    check('join_requests_status_check', oneOf('status', ['pending', 'approved', 'rejected'])),
  ],
);

/** Every change to the organisation: who, when, what it was before and after. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    actorId: uuid('actor_id').references(() => users.id),
    at: at('at').notNull(),
    /** What changed: area, team, member, responsibility, person, invite, import… */
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    action: text('action').notNull(),
    before: jsonb('before').$type<Record<string, unknown> | null>(),
    after: jsonb('after').$type<Record<string, unknown> | null>(),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_entity_idx').on(t.entity, t.entityId)],
);

/**
 * 健康包等物资按户发放: a round over an area subtree with its items; its lines (one per household)
 * are made once when it starts (planDistribution in the domain).
 */
export const distributions = pgTable(
  'distributions',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    areaId: uuid('area_id').notNull().references(() => areas.id),
    /** The area's path when the round started: who oversees it is a prefix match. */
    areaPath: text('area_path').notNull(),
    items: jsonb('items').$type<{ name: string; quantity: number; unit: string }[]>().notNull(),
    priorityTags: text('priority_tags').array().$type<SpecialTag[]>().notNull().default(sql`'{}'::text[]`),
    /** Units where the register knows no household, as the round found them. */
    unitsWithoutHouseholds: jsonb('units_without_households').$type<{ areaId: string; address: string }[]>().notNull().default([]),
    /** The teams with lines in it: their members may open it. */
    teamIds: uuid('team_ids').array().notNull().default(sql`'{}'::uuid[]`),
    createdById: uuid('created_by_id').notNull().references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('distributions_area_path_idx').using('btree', sql`${t.areaPath} text_pattern_ops`), index('distributions_team_ids_idx').using('gin', t.teamIds)],
);

export const distributionLines = pgTable(
  'distribution_lines',
  {
    id: uuid('id').primaryKey(),
    // The round's own ids (the round, the places, the team) carry no foreign keys: a round's
    // thousands of lines are written in one statement that joins them to the areas and teams
    // instead (distributions-repository.ts), where a foreign key would run three to five checks
    // per line, one at a time (half the time of a 20,000-household round). Rounds, areas and
    // teams are never deleted.
    distributionId: uuid('distribution_id').notNull(),
    /** `a:<household area>`, `r:<unit>:<room>` or `p:<person>`: once per household per round. */
    householdKey: text('household_key').notNull(),
    householdAreaId: uuid('household_area_id'),
    placeId: uuid('place_id').notNull(),
    room: text('room'),
    buildingId: uuid('building_id').notNull(),
    address: text('address').notNull(),
    teamId: uuid('team_id'),
    residentIds: uuid('resident_ids').array().notNull().default(sql`'{}'::uuid[]`),
    specialTags: text('special_tags').array().$type<SpecialTag[]>().notNull().default(sql`'{}'::text[]`),
    priority: boolean('priority').notNull().default(false),
    position: integer('position').notNull(),
    status: text('status').$type<'pending' | 'delivered'>().notNull().default('pending'),
    deliveredAt: at('delivered_at'),
    deliveredById: uuid('delivered_by_id').references(() => users.id),
    note: text('note'),
    attachments: uuid('attachments').array().notNull().default(sql`'{}'::uuid[]`),
    /** A resident said it never came: the line went back to pending; kept for the ledger. */
    reportedMissingAt: at('reported_missing_at'),
    reportedMissingById: uuid('reported_missing_by_id').references(() => users.id),
    reportedMissingNote: text('reported_missing_note'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('distribution_lines_household_key').on(t.distributionId, t.householdKey),
    uniqueIndex('distribution_lines_position_key').on(t.distributionId, t.position),
    index('distribution_lines_building_idx').on(t.distributionId, t.buildingId, t.status),
    index('distribution_lines_residents_idx').using('gin', t.residentIds),
    // Whose delivery a photo is (who may see it): only lines with photos are in it, so the lines a
    // round starts with cost it nothing.
    index('distribution_lines_attachments_idx').using('gin', t.attachments).where(sql`attachments <> '{}'::uuid[]`),
    check('distribution_lines_status_check', oneOf('status', ['pending', 'delivered'])),
  ],
);

/** 跑腿批次: one member's trip for several tickets of their teams. */
export const errands = pgTable(
  'errands',
  {
    id: uuid('id').primaryKey(),
    memberId: uuid('member_id').notNull().references(() => users.id),
    note: text('note'),
    createdAt: createdAt(),
    /** Every ticket delivered. */
    doneAt: at('done_at'),
  },
  (t) => [index('errands_member_idx').on(t.memberId, t.id)],
);

export const errandTickets = pgTable(
  'errand_tickets',
  {
    errandId: uuid('errand_id').notNull().references(() => errands.id),
    ticketId: uuid('ticket_id').notNull().references(() => tickets.id),
    position: smallint('position').notNull(),
    deliveredAt: at('delivered_at'),
  },
  (t) => [
    primaryKey({ columns: [t.errandId, t.ticketId] }),
    // A ticket is in at most one running errand: a second errand with it fails here even in a race.
    uniqueIndex('errand_tickets_running_key').on(t.ticketId).where(sql`delivered_at IS NULL`),
  ],
);

/**
 * 借调: a member of one team lent to another (the busier one) until a time. While it runs the
 * member has an active membership of the receiving team (its queue and its routing), and is off
 * duty for the routing of the team they came from; it ends early (DELETE) or by itself when
 * `until` comes (the sweep), which ends that membership again.
 */
export const secondments = pgTable(
  'secondments',
  {
    id: uuid('id').primaryKey(),
    teamId: uuid('team_id').notNull().references(() => teams.id),
    userId: uuid('user_id').notNull().references(() => users.id),
    /** The general team they came from (null: none, a member of category teams only). */
    fromTeamId: uuid('from_team_id').references(() => teams.id),
    until: at('until').notNull(),
    reason: text('reason').notNull(),
    createdById: uuid('created_by_id').notNull().references(() => users.id),
    createdAt: createdAt(),
    endedAt: at('ended_at'),
    /** Who ended it early; null when it ran out. */
    endedById: uuid('ended_by_id').references(() => users.id),
  },
  (t) => [
    // One running secondment of a person to a team, even when two secretaries second at once.
    uniqueIndex('secondments_running_key').on(t.teamId, t.userId).where(sql`ended_at IS NULL`),
    // What the sweep ends: the running ones by their end.
    index('secondments_running_until_idx').on(t.until).where(sql`ended_at IS NULL`),
    index('secondments_from_team_idx').on(t.fromTeamId, t.userId).where(sql`ended_at IS NULL`),
  ],
);
