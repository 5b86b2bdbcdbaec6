import type { Sql } from './db.js';

/**
 * What the API sends PostgreSQL for one POST /api/v1/tickets (read from the server log with
 * log_min_duration_statement = 0 on the bench database; see bench/README.md), as a
 * pgbench script:
 *
 *   1 the routing context (one query: the address's chain, category rules, teams,
 *   responsibilities, members, time-limit policies), 2 the team to notify, 3 the write, one
 *   statement without a transaction: the idempotency key, the ticket (numbered from the
 *   sequence), its items, its two events, the notifications (tickets.create), returning the
 *   ticket as the reply shows it (names and items joined in the same statement).
 *
 * The signed-in person is not read: the API keeps people in its cache (invalidated by the
 * database), and the bench's 500 residents are read once per process and 60 s, as the
 * statement count of a warm create (3) shows. Until this round the replay read the person too
 * (4 statements), which put the ceiling below what the API sends.
 *
 * Same statement texts (drizzle's), same parameters; ids come from a table of 1,000 residents
 * picked at random per transaction (one extra primary-key lookup, \gset); the ticket's row is
 * built with jsonb_build_object where the API sends it as one JSON parameter. The API sends each
 * statement prepared once per connection (create-db.ts), as -M prepared does; -M extended (parse
 * and plan every time) is run too, for comparison.
 */
export const FILERS_TABLE = 'bench.pgb_filers';

export async function preparePgbenchFilers(sql: Sql): Promise<number> {
  await sql.unsafe(`DROP TABLE IF EXISTS ${FILERS_TABLE}`);
  await sql.unsafe(`
    CREATE TABLE ${FILERS_TABLE} AS
    SELECT row_number() OVER () AS n, x.* FROM (
      SELECT r.user_id, r.name AS filer_name, r.phone AS filer_phone, r.unit_id AS area_id, k.id AS compound_id,
             t.id AS team_id, m.user_id AS assignee_id, l.user_id AS leader_id,
             k.name || ' ' || r.b || '号楼 ' || r.u || '单元 ' || r.home_detail AS address,
             (string_to_array(trim(both '/' from a.path), '/'))[1] AS a1, (string_to_array(trim(both '/' from a.path), '/'))[2] AS a2,
             (string_to_array(trim(both '/' from a.path), '/'))[3] AS a3, (string_to_array(trim(both '/' from a.path), '/'))[4] AS a4,
             (string_to_array(trim(both '/' from a.path), '/'))[5] AS a5, (string_to_array(trim(both '/' from a.path), '/'))[6] AS a6,
             (string_to_array(trim(both '/' from a.path), '/'))[7] AS a7
      FROM bench.residents r
      JOIN bench.compounds k ON k.n = r.compound_n
      JOIN bench.communities c ON c.n = k.comm_n AND NOT c.has_med_team
      JOIN bench.teams t ON t.compound_n = r.compound_n
      JOIN bench.team_people m ON m.team_id = t.id AND m.j = 1 + (r.b - 1) % 4
      JOIN bench.team_people l ON l.team_id = t.id AND l.j = 0
      JOIN areas a ON a.id = r.unit_id
      WHERE cardinality(r.tags) = 0
      ORDER BY random() LIMIT 1000
    ) x`);
  await sql.unsafe(`ALTER TABLE ${FILERS_TABLE} ADD PRIMARY KEY (n)`);
  const [row] = await sql.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${FILERS_TABLE}`);
  return row!.n;
}


const READS = [
  // 1 the routing context: the address's chain, category rules, teams, responsibilities, members, policies
  `WITH ids AS (SELECT unnest(string_to_array(trim(both '/' from path), '/')::uuid[]) AS id FROM areas WHERE id = :area_id), chain AS (SELECT c.id, c.parent_id, c.kind, c.name, c.path, c.control_level, c.default_team_id FROM ids JOIN areas c ON c.id = ids.id), rules AS (SELECT r.area_id, r.category, r.team_id FROM category_rules r WHERE r.area_id = ANY(ARRAY(SELECT id FROM chain))), named AS (SELECT t.id, t.area_id, t.categories, t.active FROM teams t WHERE t.id = ANY(ARRAY(SELECT id FROM teams WHERE area_id = ANY(ARRAY(SELECT id FROM chain)) UNION ALL SELECT team_id FROM rules UNION ALL SELECT default_team_id FROM chain WHERE default_team_id IS NOT NULL))), resp AS (SELECT r.team_id, r.member_id, r.area_id, r.person_id, r.created_at, r.id FROM responsibilities r WHERE r.area_id = ANY(ARRAY(SELECT id FROM chain)) OR r.person_id = :user_id) SELECT (SELECT json_agg(chain ORDER BY length(chain.path) DESC) FROM chain) AS chain, (SELECT json_agg(rules) FROM rules) AS rules, (SELECT json_agg(named) FROM named) AS teams, (SELECT json_agg(resp ORDER BY resp.created_at, resp.id) FROM resp) AS responsibilities, (SELECT json_agg(json_build_object('team_id', m.team_id, 'user_id', m.user_id, 'availability', m.availability, 'backup_member_id', m.backup_member_id)) FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = ANY(ARRAY(SELECT id FROM named)) AND m.active AND u.active) AS members, (SELECT json_agg(json_build_object('category', p.category, 'urgency', p.urgency, 'controlLevel', p.control_level, 'claimWithinSeconds', p.claim_within_seconds, 'resolveWithinSeconds', p.resolve_within_seconds)) FROM sla_policies p) AS policies;`,
  // 2 the team to notify
  `SELECT m.team_id AS key, m.role::text AS kind, m.user_id FROM team_members m CROSS JOIN LATERAL (SELECT 1 FROM users u WHERE u.id = m.user_id AND u.active LIMIT 1) u WHERE m.team_id = ANY(string_to_array(:team_id::text, ',')::uuid[]) AND m.active;`,
];

/** 3 the write: one statement, atomic without a transaction (tickets.create). */
const WRITE = [
  `WITH k AS (INSERT INTO "idempotency_keys" (user_id, key, request_hash, ticket_id, created_at) VALUES (:user_id, 'pgb-' || :key, md5(:key::text) || md5(:user_id::text), bench.uuid7(now()), now()) ON CONFLICT DO NOTHING RETURNING ticket_id), t AS (INSERT INTO "tickets" ("id", "category", "urgency", "requested_urgency", "status", "description", "area_id", "compound_id", "address", "team_id", "assignee_id", "filed_by_id", "contact_name", "contact_phone", "beneficiary_user_id", "beneficiary_name", "beneficiary_phone", "beneficiary_area_id", "attachments", "route_reason", "flagged", "control_level", "created_at", "response_due_at", "resolve_due_at", "claim_limit_seconds", "resolve_limit_seconds", "due_at", "sweep_at", "updated_at", number) SELECT k.ticket_id, r."category", r."urgency", r."requested_urgency", r."status", r."description", r."area_id", r."compound_id", r."address", r."team_id", r."assignee_id", r."filed_by_id", r."contact_name", r."contact_phone", r."beneficiary_user_id", r."beneficiary_name", r."beneficiary_phone", r."beneficiary_area_id", r."attachments", r."route_reason", r."flagged", r."control_level", r."created_at", r."response_due_at", r."resolve_due_at", r."claim_limit_seconds", r."resolve_limit_seconds", r."due_at", r."sweep_at", r."updated_at", 'MH-' || to_char(now(), 'YYYYMMDD') || '-' || to_char(nextval('ticket_number_seq'), 'FM999999999000000') FROM k, jsonb_populate_record(NULL::"tickets", jsonb_build_object('category', 'medicine', 'urgency', 'normal', 'requested_urgency', 'normal', 'status', 'assigned', 'description', '需要降压药，老人行动不便', 'area_id', :area_id::text, 'compound_id', :compound_id::text, 'address', :address::text, 'team_id', :team_id::text, 'assignee_id', :assignee_id::text, 'filed_by_id', :user_id::text, 'contact_name', :filer_name::text, 'contact_phone', :filer_phone::text, 'beneficiary_user_id', NULL, 'beneficiary_name', NULL, 'beneficiary_phone', NULL, 'beneficiary_area_id', NULL, 'attachments', '[]'::jsonb, 'route_reason', 'compound_team', 'flagged', false, 'control_level', 'none', 'created_at', now(), 'response_due_at', now() + interval '2 hours', 'resolve_due_at', now() + interval '48 hours', 'claim_limit_seconds', 7200, 'resolve_limit_seconds', 172800, 'due_at', now() + interval '2 hours', 'sweep_at', now() + interval '2 hours', 'updated_at', now())) r RETURNING *), ti AS (INSERT INTO "ticket_items" (ticket_id, position, name, quantity, unit, note) SELECT t.id, r.position, r.name, r.quantity, r.unit, r.note FROM t, jsonb_populate_recordset(NULL::"ticket_items", '[{"name": "硝苯地平缓释片", "note": null, "unit": "盒", "position": 0, "quantity": 2}, {"name": "二甲双胍片", "note": null, "unit": "盒", "position": 1, "quantity": 1}]'::jsonb) r RETURNING *), e AS (INSERT INTO "ticket_events" (ticket_id, type, actor_id, at, data) SELECT t.id, r.type, r.actor_id, r.at, r.data FROM t, ROWS FROM (jsonb_populate_recordset(NULL::"ticket_events", jsonb_build_array(jsonb_build_object('type', 'created', 'actor_id', :user_id::text, 'at', now(), 'data', '{"urgency": "normal", "category": "medicine", "onBehalf": false, "requestedUrgency": "normal"}'::jsonb), jsonb_build_object('type', 'assigned', 'actor_id', NULL, 'at', now(), 'data', jsonb_build_object('teamId', :team_id::text, 'assigneeId', :assignee_id::text, 'reason', 'compound_team', 'flagged', false))))) WITH ORDINALITY AS r ORDER BY r.ordinality), n AS (INSERT INTO "notifications" (id, user_id, type, ticket_id, title, body, created_at) SELECT r.id, r.user_id, r.type, t.id, replace(r.title, '{{number}}', t.number), replace(r.body, '{{number}}', t.number), r.created_at FROM t, jsonb_populate_recordset(NULL::"notifications", jsonb_build_array(jsonb_build_object('id', bench.uuid7(now())::text, 'user_id', :assignee_id::text, 'type', 'new_ticket', 'title', '新求助待签收', 'body', '购药：需要降压药，老人行动不便（' || :address || '）', 'created_at', now()), jsonb_build_object('id', bench.uuid7(now())::text, 'user_id', :leader_id::text, 'type', 'new_ticket', 'title', '新求助待签收', 'body', '购药：需要降压药，老人行动不便（' || :address || '）', 'created_at', now()))) r), d AS (INSERT INTO "notification_deliveries" (id, notification_id, channel, next_attempt_at) SELECT r.id, r.notification_id, r.channel, r.next_attempt_at FROM t, jsonb_populate_recordset(NULL::"notification_deliveries", '[]'::jsonb) r), a AS (UPDATE "uploads" u SET ticket_id = t.id FROM t WHERE u.id = ANY(string_to_array('', ',')::uuid[]) AND u.owner_id = :user_id AND u.ticket_id IS NULL RETURNING u.id) SELECT (SELECT count(*) FROM a)::int AS attached, row_to_json(t) AS ticket, ar.path AS area_path, CASE WHEN tm.id IS NULL THEN NULL ELSE json_build_object('name', tm.name, 'phone', tm.phone) END AS team, CASE WHEN asg.id IS NULL THEN NULL ELSE json_build_object('name', asg.name, 'phone', asg.phone) END AS assignee, json_build_object('name', f.name, 'phone', f.phone) AS filer, (SELECT coalesce(json_agg(json_build_object('name', i.name, 'quantity', i.quantity, 'unit', i.unit, 'note', i.note) ORDER BY i.position), '[]'::json) FROM ti i) AS items FROM t JOIN "areas" ar ON ar.id = t.area_id JOIN "users" f ON f.id = t.filed_by_id LEFT JOIN "teams" tm ON tm.id = t.team_id LEFT JOIN "users" asg ON asg.id = t.assignee_id;`,
];

/** The pgbench script: the whole request's SQL, or only its write. */
export function createScript(filers: number, part: 'request' | 'write'): string {
  const lookup = [
    `\\set i random(1, ${filers})`,
    `\\set key random(1, 9000000000000000000)`,
    `SELECT user_id, filer_name, filer_phone, area_id, compound_id, team_id, assignee_id, leader_id, address, a1, a2, a3, a4, a5, a6, a7 FROM ${FILERS_TABLE} WHERE n = :i`,
    '\\gset',
  ];
  const lines = part === 'request' ? [...lookup, ...READS, ...WRITE] : [...lookup, ...WRITE];
  // pgbench reads one SQL command per line unless it ends with ';' … keep each on one line.
  return `${lines.join('\n')}\n`;
}

/** Statements per create request, for the report. */
export const CREATE_STATEMENTS = { total: READS.length + WRITE.length, write: WRITE.length };
