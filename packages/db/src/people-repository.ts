import { and, eq, sql, type SQL } from 'drizzle-orm';
import { OPEN_STATUSES, type NotifyBy, type SpecialTag } from '@minhu/domain';
import type { DbHandle, Executor } from './create-db.js';
import { newId } from './ids.js';
import { auditLog, users } from './schema.js';
import { statusIn } from './status-sql.js';

/** A person of the register as read for a list or a check: what the service decides on. */
export interface RegisterPerson {
  id: string;
  name: string;
  phone: string | null;
  homeAreaId: string;
  homeDetail: string | null;
  /** The home area's path, for scope checks. */
  homePath: string;
  address: string;
  specialTags: SpecialTag[];
  pendingTags: SpecialTag[];
  tagsVerified: boolean;
  /** The home is the register's, or confirmed by the team (not only what the resident said). */
  homeVerified: boolean;
  notifyBy: NotifyBy | null;
  hasApp: boolean;
  /** 包保: the member responsible for the person, else for the nearest area above their home. */
  responsibleMemberId: string | null;
  responsibleMemberName: string | null;
  /** Tickets for them (filed for them, or by them for themself) still open. */
  openTickets: number;
  /** When a member last claimed or resolved one of their tickets. */
  lastContactAt: Date | null;
}

export interface PeopleFilter {
  /** Subtrees to list (path prefixes); null: everywhere (admins). */
  paths: string[] | null;
  tag?: SpecialTag;
  /** Only people with a tag, verified or pending (the 重点人员 list). */
  tagged?: boolean;
  /** Part of a name, or the last digits of a phone number. */
  q?: string;
  limit: number;
  after?: { path: string; id: string };
}

const like = (text: string) => text.replace(/[\\%_]/g, (c) => '\\' + c);

/**
 * The people register: everyone with a home address, listed by where they live (household
 * lists of a building or unit read in one index range). The page's extra facts (包保, open
 * tickets, last contact, the address as people say it) are read for the page's rows only.
 */
export function createPeopleRepository(handle: DbHandle) {
  const { db } = handle;

  /** The columns of a register person, for rows `u` (users) and `a` (their home area). */
  const facts = sql`u.id, u.name, u.phone, u.home_area_id, u.home_detail, a.path AS home_path,
      u.special_tags, u.pending_tags, u.tags_verified_at IS NOT NULL AS tags_verified, u.home_verified, u.notify_by,
      (u.wechat_openid IS NOT NULL OR EXISTS (SELECT 1 FROM refresh_tokens rt WHERE rt.user_id = u.id)) AS has_app`;

  /** The page-only facts, for rows `p` that carry id, home_path, home_detail. */
  const extras = sql`
      (SELECT string_agg(x.name, ' ' ORDER BY x.depth) FROM areas x
        WHERE x.id = ANY(string_to_array(trim(both '/' from p.home_path), '/')::uuid[]) AND x.kind <> 'grid'
          AND x.depth >= coalesce((SELECT c.depth FROM areas c WHERE c.id = ANY(string_to_array(trim(both '/' from p.home_path), '/')::uuid[]) AND c.kind = 'compound'), 0)
      ) AS address,
      resp.member_id AS responsible_member_id, resp.member_name AS responsible_member_name,
      (SELECT count(*)::int FROM tickets t
        WHERE (t.beneficiary_user_id = p.id OR (t.filed_by_id = p.id AND t.beneficiary_name IS NULL)) AND ${statusIn('t.status', OPEN_STATUSES)}) AS open_tickets,
      (SELECT max(greatest(t.claimed_at, t.resolved_at)) FROM tickets t
        WHERE t.beneficiary_user_id = p.id OR (t.filed_by_id = p.id AND t.beneficiary_name IS NULL)) AS last_contact_at`;
  const responsible = sql`LEFT JOIN LATERAL (
        SELECT r.member_id, mu.name AS member_name FROM responsibilities r
        JOIN team_members m ON m.team_id = r.team_id AND m.user_id = r.member_id AND m.active
        JOIN teams tm ON tm.id = r.team_id AND tm.active
        JOIN users mu ON mu.id = r.member_id AND mu.active
        LEFT JOIN areas ra ON ra.id = r.area_id
        WHERE r.person_id = p.id OR r.area_id = ANY(string_to_array(trim(both '/' from p.home_path), '/')::uuid[])
        ORDER BY (r.person_id IS NOT NULL) DESC, ra.depth DESC, r.created_at, r.id LIMIT 1) resp ON true`;

  type Row = {
    id: string;
    name: string;
    phone: string | null;
    home_area_id: string;
    home_detail: string | null;
    home_path: string;
    special_tags: SpecialTag[];
    pending_tags: SpecialTag[];
    tags_verified: boolean;
    home_verified: boolean;
    notify_by: NotifyBy | null;
    has_app: boolean;
    address: string | null;
    responsible_member_id: string | null;
    responsible_member_name: string | null;
    open_tickets: number;
    last_contact_at: string | Date | null;
  };
  const toPerson = (r: Row): RegisterPerson => ({
    id: r.id,
    name: r.name,
    phone: r.phone,
    homeAreaId: r.home_area_id,
    homeDetail: r.home_detail,
    homePath: r.home_path,
    address: [r.address, r.home_detail].filter(Boolean).join(' '),
    specialTags: r.special_tags,
    pendingTags: r.pending_tags,
    tagsVerified: r.tags_verified,
    homeVerified: r.home_verified,
    notifyBy: r.notify_by,
    hasApp: r.has_app,
    responsibleMemberId: r.responsible_member_id,
    responsibleMemberName: r.responsible_member_name,
    openTickets: r.open_tickets,
    lastContactAt: r.last_contact_at === null ? null : new Date(r.last_contact_at),
  });

  return {
    /**
     * A page of the register in household order (home area path, then id), `limit` rows. Paths
     * compare bytewise (COLLATE "C"), the order of the path index, so a page is an index range.
     */
    async list(filter: PeopleFilter, executor: Executor = db): Promise<RegisterPerson[]> {
      const where: SQL[] = [sql`u.active`];
      if (filter.paths) {
        if (filter.paths.length === 0) return [];
        where.push(sql`(${sql.join(filter.paths.map((p) => sql`a.path LIKE ${like(p) + '%'}`), sql` OR `)})`);
      }
      if (filter.tag) where.push(sql`(${filter.tag} = ANY(u.special_tags) OR ${filter.tag} = ANY(u.pending_tags))`);
      if (filter.tagged) where.push(sql`(cardinality(u.special_tags) > 0 OR cardinality(u.pending_tags) > 0)`);
      if (filter.q) {
        const q = filter.q.trim();
        where.push(/^\d{4,11}$/.test(q) ? sql`u.phone LIKE ${'%' + like(q)}` : sql`u.name LIKE ${'%' + like(q) + '%'}`);
      }
      // The first condition bounds the walk of the path index (migration 0015); the second is the exact keyset.
      if (filter.after) where.push(sql`a.path COLLATE "C" >= ${filter.after.path} AND (a.path COLLATE "C", u.id) > (${filter.after.path}, ${filter.after.id}::uuid)`);
      const rows = await handle.rows<Row>(
        sql`WITH page AS MATERIALIZED (
              SELECT ${facts} FROM users u JOIN areas a ON a.id = u.home_area_id
              WHERE ${sql.join(where, sql` AND `)}
              ORDER BY a.path COLLATE "C", u.id LIMIT ${filter.limit})
            SELECT p.*, ${extras} FROM page p ${responsible}
            ORDER BY p.home_path COLLATE "C", p.id`,
        executor,
      );
      return rows.map(toPerson);
    },

    /** The subtrees these teams cover: their own areas and the areas that name them as default team. */
    async teamPaths(teamIds: readonly string[], executor: Executor = db): Promise<{ teamId: string; path: string }[]> {
      if (teamIds.length === 0) return [];
      const ids = sql`ARRAY[${sql.join(teamIds.map((id) => sql`${id}::uuid`), sql`, `)}]`;
      return handle.rows<{ teamId: string; path: string }>(
        sql`SELECT t.id AS "teamId", a.path FROM teams t JOIN areas a ON a.id = t.area_id WHERE t.id = ANY(${ids}) AND t.active
            UNION SELECT a.default_team_id, a.path FROM areas a WHERE a.default_team_id = ANY(${ids})`,
        executor,
      );
    },

    /** One person of the register (with a home address), or null. */
    async byId(id: string, executor: Executor = db): Promise<RegisterPerson | null> {
      const [row] = await handle.rows<Row>(
        sql`WITH page AS (SELECT ${facts} FROM users u JOIN areas a ON a.id = u.home_area_id WHERE u.id = ${id} AND u.active)
            SELECT p.*, ${extras} FROM page p ${responsible}`,
        executor,
      );
      return row ? toPerson(row) : null;
    },

    /** The people living at exactly this area (a household or a unit), for matching a name. */
    async livingAt(areaId: string, executor: Executor = db) {
      return executor
        .select({ id: users.id, name: users.name, phone: users.phone, specialTags: users.specialTags })
        .from(users)
        .where(and(eq(users.homeAreaId, areaId), eq(users.active, true)));
    },

    /** Sets verified tags, settling what was pending, with its audit entry. */
    async setTags(
      person: { id: string; specialTags: SpecialTag[]; pendingTags: SpecialTag[] },
      tags: SpecialTag[],
      by: { actorId: string; note: string | null },
      now: Date,
    ) {
      await db.transaction(async (tx) => {
        await tx
          .update(users)
          .set({ specialTags: tags, pendingTags: [], tagsVerifiedAt: now, tagsVerifiedById: by.actorId, updatedAt: now })
          .where(eq(users.id, person.id));
        await tx.insert(auditLog).values({
          actorId: by.actorId,
          at: now,
          entity: 'person',
          entityId: person.id,
          action: 'verify_tags',
          before: { specialTags: person.specialTags, pendingTags: person.pendingTags },
          after: { specialTags: tags, ...(by.note ? { note: by.note } : {}) },
        });
      });
    },

    /**
     * The home a resident set themself, confirmed by the team or a secretary: from now on they
     * are shown who answers for them there (包保, the leader). Audited as person/verify_home.
     */
    async verifyHome(person: { id: string; homeAreaId: string; homeDetail: string | null }, by: { actorId: string; note: string | null }, now: Date) {
      await db.transaction(async (tx) => {
        await tx.update(users).set({ homeVerified: true, updatedAt: now }).where(eq(users.id, person.id));
        await tx.insert(auditLog).values({
          actorId: by.actorId,
          at: now,
          entity: 'person',
          entityId: person.id,
          action: 'verify_home',
          before: { homeVerified: false },
          after: { homeVerified: true, homeAreaId: person.homeAreaId, homeDetail: person.homeDetail, ...(by.note ? { note: by.note } : {}) },
        });
      });
    },

    /** How the person hears about their tickets, set by someone who looks after them; audited. */
    async setNotifyBy(person: { id: string; notifyBy: NotifyBy | null }, notifyBy: NotifyBy, actorId: string, now: Date) {
      await db.transaction(async (tx) => {
        await tx.update(users).set({ notifyBy, updatedAt: now }).where(eq(users.id, person.id));
        await tx.insert(auditLog).values({
          actorId,
          at: now,
          entity: 'person',
          entityId: person.id,
          action: 'notify_by',
          before: { notifyBy: person.notifyBy },
          after: { notifyBy },
        });
      });
    },

    /** A person someone filed for, not yet in the register: unverified, no tags. */
    async addUnverified(person: { name: string; phone: string | null; homeAreaId: string; addedById: string }, now: Date, executor: Executor = db) {
      const id = newId(now.getTime());
      const inserted = await executor
        .insert(users)
        .values({ id, ...person, createdAt: now, updatedAt: now })
        .onConflictDoNothing()
        .returning({ id: users.id });
      if (inserted.length > 0) return id;
      // Someone registered this phone meanwhile: it is them.
      const [row] = await executor.select({ id: users.id }).from(users).where(eq(users.phone, person.phone!));
      return row!.id;
    },
  };
}

export type PeopleRepository = ReturnType<typeof createPeopleRepository>;
