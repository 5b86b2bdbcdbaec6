import type { DatasetInfo } from './dataset.js';
import type { Sql } from './db.js';

/**
 * The lockdown backlog (issue 20): one compound's team whose open queue grows to a lockdown's
 * size inside the 1M data set, where every other team holds a few dozen open tickets. The
 * compound, its team, a member, and the secretary of its community are fixed (the middle compound:
 * 500 of 1,000, away from the claim race's first compounds). The backlog's tickets are newer than t0 by id (so the
 * next reset removes them, like every run's own tickets) but were filed over the two days before
 * t0: most are waiting for a claim, a third are being worked, one in twenty is an emergency, and
 * about half are past the due time that applies to them, as in a queue that outgrew its team.
 */

export interface LockdownSubject {
  teamId: string;
  compoundId: string;
  /** A member of the team (j = 1), by phone and id. */
  memberPhone: string;
  memberId: string;
  /** The secretary of the compound's community. */
  secretaryPhone: string;
  communityId: string;
}

export async function lockdownSubject(sql: Sql): Promise<LockdownSubject> {
  const [middle] = await sql<{ n: number }[]>`SELECT (max(n) / 2)::int AS n FROM bench.compounds`;
  const [row] = await sql<{ team_id: string; compound_id: string; member_phone: string; member_id: string; secretary_phone: string; community_id: string }[]>`
    SELECT t.id AS team_id, k.id AS compound_id, p.phone AS member_phone, p.user_id AS member_id, s.phone AS secretary_phone, s.area_id AS community_id
    FROM bench.compounds k
    JOIN bench.teams t ON t.compound_n = k.n
    JOIN bench.team_people p ON p.team_id = t.id AND p.j = 1
    JOIN bench.secretaries s ON s.level = 'community' AND s.n = k.comm_n
    WHERE k.n = ${middle!.n}`;
  if (!row) throw new Error('lockdown: no middle compound in the data set');
  return {
    teamId: row.team_id,
    compoundId: row.compound_id,
    memberPhone: row.member_phone,
    memberId: row.member_id,
    secretaryPhone: row.secretary_phone,
    communityId: row.community_id,
  };
}

/** How many tickets of the team are open now. */
export async function openInTeam(sql: Sql, teamId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM tickets WHERE team_id = ${teamId} AND status IN ('assigned', 'claimed', 'in_progress')`;
  return row!.n;
}

/**
 * Files tickets into the team until it holds `open` open tickets, in one statement, then
 * vacuums and analyzes the table (as autovacuum would after such a load), so the measurements
 * start from the state a server reaches, not from the load's dirty pages.
 */
export async function fillBacklog(sql: Sql, info: DatasetInfo, subject: LockdownSubject, open: number): Promise<{ added: number }> {
  const missing = open - (await openInTeam(sql, subject.teamId));
  if (missing <= 0) return { added: 0 };
  const t0 = info.t0;
  await sql`
    WITH people AS (
      SELECT r.user_id, r.name, r.phone, r.unit_id, r.b, r.u, r.home_detail, k.name AS compound_name, row_number() OVER (ORDER BY r.k) - 1 AS i
      FROM bench.residents r JOIN bench.compounds k ON k.n = r.compound_n WHERE k.id = ${subject.compoundId}
    ), n AS (SELECT count(*) AS n FROM people),
    spec AS (
      SELECT g,
        CASE WHEN g % 20 = 0 THEN 'emergency' WHEN g % 4 = 0 THEN 'urgent' ELSE 'normal' END AS urgency,
        CASE WHEN g % 3 = 0 THEN 'claimed' WHEN g % 10 = 1 THEN 'in_progress' ELSE 'assigned' END AS status,
        ${t0}::timestamptz - ((g * 7919) % 172800) * interval '1 second' AS created_at
      FROM generate_series(1, ${missing}) g
    ), timed AS (
      SELECT s.*,
        CASE s.urgency WHEN 'emergency' THEN 600 WHEN 'urgent' THEN 1800 ELSE 7200 END AS claim_limit,
        CASE s.urgency WHEN 'emergency' THEN 7200 WHEN 'urgent' THEN 43200 ELSE 172800 END AS resolve_limit
      FROM spec s
    )
    INSERT INTO tickets (id, number, category, urgency, requested_urgency, status, description, area_id, compound_id, address,
        team_id, assignee_id, filed_by_id, contact_name, contact_phone, route_reason, created_at, claimed_at, response_due_at, resolve_due_at,
        claim_limit_seconds, resolve_limit_seconds, due_at, sweep_at, updated_at)
    SELECT bench.uuid7(now()), 'MH-LD-' || to_char(nextval('ticket_number_seq'), 'FM999999999000000'),
           (ARRAY['medicine', 'supplies', 'medical', 'help'])[1 + t.g % 4], t.urgency, t.urgency, t.status, '封控期间需要帮助', p.unit_id, ${subject.compoundId},
           p.compound_name || ' ' || p.b || '号楼 ' || p.u || '单元 ' || p.home_detail, ${subject.teamId},
           CASE WHEN t.status = 'assigned' THEN NULL ELSE ${subject.memberId}::uuid END, p.user_id, p.name, p.phone, 'compound_team',
           t.created_at,
           CASE WHEN t.status = 'assigned' THEN NULL ELSE t.created_at + interval '5 minutes' END,
           t.created_at + t.claim_limit * interval '1 second', t.created_at + t.resolve_limit * interval '1 second',
           t.claim_limit, t.resolve_limit,
           CASE WHEN t.status = 'assigned' THEN t.created_at + t.claim_limit * interval '1 second' ELSE t.created_at + t.resolve_limit * interval '1 second' END,
           NULL, t.created_at
    FROM timed t, n JOIN people p ON true
    WHERE p.i = t.g % n.n`;
  await sql.unsafe('VACUUM (ANALYZE) tickets');
  return { added: missing };
}
