import { createDb, statusList } from '@minhu/db';
import { OPEN_STATUSES, WORKING_STATUSES } from '@minhu/domain';
import type { TransactionSql } from 'postgres';
import { connect, first, dropDatabase, ensureDatabase, type Sql } from './db.js';

/**
 * The bench's data set, made in SQL with generate_series (no row-at-a-time inserts): an
 * organisation of subdistricts › communities › compounds › grids › buildings › units, a service
 * team per compound (and a medical team with a category rule in every tenth community), residents
 * with phones and home addresses, secretaries, and tickets over two years ending at `t0` with their
 * full timelines (events consistent with each status), items, idempotency keys and notifications.
 *
 * Everything the bench runs add afterwards (tickets made by the create and claim runs, events and
 * notifications of the sweep, pgbench's rows) is newer than `t0` and is removed by `reset()`, so a
 * data set is reused across runs unchanged.
 */
export interface DatasetParams {
  tickets: number;
  subdistricts: number;
  communitiesPer: number;
  compoundsPer: number;
  residentsPer: number;
}

export const FULL: DatasetParams = { tickets: 1_000_000, subdistricts: 10, communitiesPer: 10, compoundsPer: 10, residentsPer: 200 };
export const QUICK: DatasetParams = { tickets: 20_000, subdistricts: 2, communitiesPer: 5, compoundsPer: 10, residentsPer: 100 };

/** Bumped whenever the generator changes what it makes: an older data set is then regenerated. */
export const GENERATOR_VERSION = 3;

export interface DatasetInfo extends DatasetParams {
  generatorVersion: number;
  /** The data set's "now": every generated row is older. */
  t0: string;
  generatedAt: string;
  generationSeconds: number;
  maxEventId: number;
  counts: Record<string, number>;
  openTickets: number;
  sweepPool: number;
}

// Fixed shape below the compound.
const GRIDS = 2;
const BUILDINGS_PER_GRID = 3;
const BUILDINGS = GRIDS * BUILDINGS_PER_GRID;
const UNITS_PER_BUILDING = 3;
const UNITS = BUILDINGS * UNITS_PER_BUILDING;
const TEAM_SIZE = 5; // leader + 4 members
const MED_TEAM_SIZE = 3;
const AUTO_CLOSE_SECONDS = 72 * 3600; // the API's default AUTO_CLOSE_AFTER_HOURS

const BIG_TABLES = ['tickets', 'ticket_events', 'ticket_items', 'idempotency_keys', 'notifications'];

const arr = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v}'`).join(',')}]`;

const SURNAMES = arr('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹'.split(''));
const GIVEN = arr([
  '建国', '秀兰', '桂芳', '志强', '晓燕', '文博', '丽', '国栋', '海燕', '永刚', '淑琴', '建平', '丽君', '晓东', '国华', '玉梅',
  '芳', '福生', '敏', '静', '德明', '淑珍', '桂英', '明', '军', '伟', '洋', '勇', '艳', '杰', '娟', '涛', '超', '霞', '平', '刚',
  '桂兰', '秀英', '玉兰', '凤英',
]);
const SUBDISTRICT_NAMES = arr(['建设路', '和平路', '新华路', '光明', '友谊', '解放路', '长安', '裕华', '东风', '胜利']);
const COMMUNITY_A = arr(['幸福', '和平', '阳光', '金桥', '翠苑', '锦绣', '康乐', '丰收', '春晖', '育才']);
const COMMUNITY_B = arr(['东', '西', '南', '北', '中', '新', '里', '苑', '园', '湖']);
const COMPOUND_A = arr([
  '幸福', '和平', '阳光', '金桥', '翠苑', '锦绣', '康乐', '丰收', '新华', '春晖', '文化', '育才', '振兴', '民主', '团结', '朝阳',
  '红旗', '青园', '滨河', '紫荆', '梧桐', '槐树', '柳林', '杏坛', '枫林',
]);
const COMPOUND_B = arr([
  '里', '苑', '园', '庄', '家园', '花园', '新村', '公寓', '雅居', '名邸', '景苑', '华庭', '嘉园', '丽园', '馨苑', '怡园', '东区',
  '西区', '南区', '北区', '一期', '二期', '三期', '佳苑', '福地', '春城', '绿洲', '明珠', '和苑', '瑞园', '康城', '福苑', '盛景',
  '安居', '星城', '锦苑', '御园', '金城', '铭苑', '翠园',
]);
const DESCRIPTIONS = {
  medicine: arr(['需要降压药，老人行动不便', '帮忙买胰岛素', '常用药快吃完了，请帮忙代购', '需要感冒药和退烧药', '帮忙到药店取处方药']),
  supplies: arr(['家里米面油不够了', '需要买菜和鸡蛋', '帮忙送桶装水', '需要成人纸尿裤', '婴儿奶粉快没了']),
  medical: arr(['需要陪同去医院复查', '透析需要车辆接送', '老人摔倒需要送医', '预约挂号不会操作，请帮忙', '需要上门测血压血糖']),
  help: arr(['家里水管漏水', '帮忙缴纳水电费', '独居老人需要上门看看', '门锁坏了需要维修', '帮忙打扫卫生']),
};
const MEDICINES = arr(['硝苯地平缓释片', '二甲双胍片', '阿司匹林肠溶片', '胰岛素注射液', '布洛芬缓释胶囊', '连花清瘟胶囊', '阿托伐他汀钙片', '速效救心丸']);
const MEDICINE_UNITS = arr(['盒', '盒', '盒', '支', '盒', '盒', '盒', '瓶']);
const SUPPLIES = arr(['大米', '食用油', '鸡蛋', '挂面', '桶装水', '成人纸尿裤', '婴儿奶粉', '蔬菜']);
const SUPPLY_UNITS = arr(['袋', '桶', '斤', '包', '桶', '包', '罐', '斤']);
const TAG_SETS = [
  `'{elderly,living_alone}'`,
  `'{elderly,chronic_illness}'`,
  `'{disabled}'`,
  `'{pregnant}'`,
  `'{dialysis,elderly}'`,
  `'{infant}'`,
  `'{chemotherapy}'`,
  `'{elderly,living_alone,chronic_illness}'`,
];

/** A name from the pools, random per row. */
const personName = `(${SURNAMES})[1 + floor(random() * 30)::int] || (${GIVEN})[1 + floor(random() * 40)::int]`;

/** The smallest UUIDv7 of a millisecond: every id made at or after it sorts after it. */
export function uuid7Floor(ms: number): string {
  const hex = ms.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}

/**
 * The generation script: [label, SQL] steps, run in order on one session. `t0` is an ISO
 * timestamp; all numbers are integers from the parameters, so plain interpolation is safe.
 */
function generationSteps(p: DatasetParams, t0: string): [string, string][] {
  const communities = p.subdistricts * p.communitiesPer;
  const compounds = communities * p.compoundsPer;
  const T0 = `'${t0}'::timestamptz`;
  const TORG = `(${T0} - interval '800 days')`;
  const limitClaim = (u: string) => `CASE ${u} WHEN 'normal' THEN 7200 WHEN 'urgent' THEN 1800 ELSE 600 END`;
  const limitResolve = (u: string) => `CASE ${u} WHEN 'normal' THEN 172800 WHEN 'urgent' THEN 43200 ELSE 7200 END`;
  const secs = (x: string) => `(${x}) * interval '1 second'`;
  return [
    [
      'helpers',
      `CREATE SCHEMA bench;
       CREATE TABLE bench.meta (key text PRIMARY KEY, value jsonb NOT NULL);
       CREATE FUNCTION bench.uuid7(ts timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
         SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                PLACING substring(int8send(floor(extract(epoch FROM ts) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
       $$;`,
    ],
    [
      'organisation',
      `CREATE TABLE bench.subdistricts AS
         SELECT s AS n, bench.uuid7(${TORG}) AS id,
                (${SUBDISTRICT_NAMES})[1 + (s - 1) % 10] || CASE WHEN s > 10 THEN s::text ELSE '' END || '街道' AS name
         FROM generate_series(1, ${p.subdistricts}) s;
       CREATE TABLE bench.communities AS
         SELECT c AS n, 1 + (c - 1) / ${p.communitiesPer} AS sub_n, bench.uuid7(${TORG}) AS id,
                (${COMMUNITY_A})[1 + (c - 1) % 10] || (${COMMUNITY_B})[1 + ((c - 1) / 10) % 10] || CASE WHEN c % 7 = 0 THEN '村' ELSE '社区' END AS name,
                CASE WHEN c % 7 = 0 THEN 'village' ELSE 'community' END AS kind,
                c % 10 = 1 AS has_med_team
         FROM generate_series(1, ${communities}) c;
       CREATE TABLE bench.compounds AS
         SELECT k AS n, 1 + (k - 1) / ${p.compoundsPer} AS comm_n, bench.uuid7(${TORG}) AS id,
                CASE WHEN k % 20 < 14 THEN 'residential' WHEN k % 20 < 17 THEN 'urban_village' WHEN k % 20 < 18 THEN 'key_village' ELSE 'unmanaged' END AS compound_type,
                CASE WHEN k % 50 = 7 THEN 'precaution' ELSE 'none' END AS control_level
         FROM generate_series(1, ${compounds}) k;
       ALTER TABLE bench.compounds ADD COLUMN name text;
       UPDATE bench.compounds SET name = (${COMPOUND_A})[1 + (n - 1) % 25] || (${COMPOUND_B})[1 + ((n - 1) / 25) % 40]
         || CASE compound_type WHEN 'residential' THEN '小区' WHEN 'unmanaged' THEN '家属院' ELSE '村' END;

       INSERT INTO areas (id, parent_id, kind, name, code, path, depth, created_at)
         SELECT id, NULL, 'district', '兴华区', 'BN', '/' || id || '/', 0, ${TORG} FROM (SELECT bench.uuid7(${TORG}) AS id) d;
       INSERT INTO areas (id, parent_id, kind, name, code, path, depth, created_at)
         SELECT s.id, d.id, 'subdistrict', s.name, 'BN-S' || s.n, d.path || s.id || '/', 1, ${TORG}
         FROM bench.subdistricts s, areas d WHERE d.code = 'BN';
       INSERT INTO areas (id, parent_id, kind, name, code, path, depth, created_at)
         SELECT c.id, s.id, c.kind, c.name, 'BN-C' || c.n, a.path || c.id || '/', 2, ${TORG}
         FROM bench.communities c JOIN bench.subdistricts s ON s.n = c.sub_n JOIN areas a ON a.id = s.id;
       INSERT INTO areas (id, parent_id, kind, compound_type, name, code, path, depth, control_level, created_at)
         SELECT k.id, c.id, 'compound', k.compound_type, k.name, 'BN-K' || k.n, a.path || k.id || '/', 3, k.control_level, ${TORG}
         FROM bench.compounds k JOIN bench.communities c ON c.n = k.comm_n JOIN areas a ON a.id = c.id;
       ALTER TABLE bench.compounds ADD COLUMN path text;
       UPDATE bench.compounds k SET path = a.path FROM areas a WHERE a.id = k.id;

       CREATE TABLE bench.units AS
         SELECT k.n AS compound_n, b, u, (b - 1) * ${UNITS_PER_BUILDING} + u AS unit_n,
                bench.uuid7(${TORG}) AS id, NULL::uuid AS building_id, NULL::uuid AS grid_id
         FROM bench.compounds k, generate_series(1, ${BUILDINGS}) b, generate_series(1, ${UNITS_PER_BUILDING}) u;
       CREATE TABLE bench.buildings AS
         SELECT k.n AS compound_n, b, 1 + (b - 1) / ${BUILDINGS_PER_GRID} AS g, bench.uuid7(${TORG}) AS id
         FROM bench.compounds k, generate_series(1, ${BUILDINGS}) b;
       CREATE TABLE bench.grids AS
         SELECT k.n AS compound_n, g, bench.uuid7(${TORG}) AS id FROM bench.compounds k, generate_series(1, ${GRIDS}) g;
       INSERT INTO areas (id, parent_id, kind, name, code, path, depth, created_at)
         SELECT g.id, k.id, 'grid', '第' || (ARRAY['一','二','三','四'])[g.g] || '网格', 'BN-K' || k.n || '-G' || g.g, k.path || g.id || '/', 4, ${TORG}
         FROM bench.grids g JOIN bench.compounds k ON k.n = g.compound_n;
       INSERT INTO areas (id, parent_id, kind, name, code, path, depth, created_at)
         SELECT b.id, g.id, 'building', b.b || '号楼', 'BN-K' || b.compound_n || '-B' || b.b, a.path || b.id || '/', 5, ${TORG}
         FROM bench.buildings b JOIN bench.grids g ON g.compound_n = b.compound_n AND g.g = b.g JOIN areas a ON a.id = g.id;
       UPDATE bench.units u SET building_id = b.id FROM bench.buildings b WHERE b.compound_n = u.compound_n AND b.b = u.b;
       INSERT INTO areas (id, parent_id, kind, name, code, path, depth, created_at)
         SELECT u.id, u.building_id, 'unit', u.u || '单元', 'BN-K' || u.compound_n || '-B' || u.b || '-U' || u.u, a.path || u.id || '/', 6, ${TORG}
         FROM bench.units u JOIN areas a ON a.id = u.building_id;
       CREATE UNIQUE INDEX ON bench.units (compound_n, unit_n);`,
    ],
    [
      'teams and people',
      `-- One general team per compound; a medical team (category rule) in every tenth community.
       CREATE TABLE bench.teams AS
         SELECT bench.uuid7(${TORG}) AS id, k.n AS compound_n, NULL::int AS comm_n, k.id AS area_id,
                k.name || '民呼我行党员服务队' AS name, '{}'::text[] AS categories, ${TEAM_SIZE} AS size
         FROM bench.compounds k
         UNION ALL
         SELECT bench.uuid7(${TORG}), NULL, c.n, c.id, c.name || '医疗服务队', '{medical}', ${MED_TEAM_SIZE}
         FROM bench.communities c WHERE c.has_med_team;
       INSERT INTO teams (id, name, area_id, categories, phone, created_at)
         SELECT id, name, area_id, categories, '0311-8' || lpad((row_number() OVER ())::text, 7, '0'), ${TORG} FROM bench.teams;
       INSERT INTO category_rules (id, area_id, category, team_id, created_at)
         SELECT bench.uuid7(${TORG}), area_id, 'medical', id, ${TORG} FROM bench.teams WHERE comm_n IS NOT NULL;

       -- Members: 137… (compound teams), 133… (medical teams); j = 0 is the leader.
       CREATE TABLE bench.team_people AS
         SELECT t.id AS team_id, t.compound_n, t.comm_n, j, bench.uuid7(${TORG}) AS user_id,
                CASE WHEN t.compound_n IS NOT NULL THEN '137' || lpad((t.compound_n * 10 + j)::text, 8, '0')
                     ELSE '133' || lpad((t.comm_n * 10 + j)::text, 8, '0') END AS phone
         FROM bench.teams t, generate_series(0, t.size - 1) j;
       CREATE UNIQUE INDEX ON bench.team_people (team_id, j);
       INSERT INTO users (id, name, phone, home_area_id, home_detail, created_at, updated_at)
         SELECT p.user_id, ${personName}, p.phone, u.id, (1 + p.j) || '0' || (1 + p.j % 4) || '室', ${TORG}, ${TORG}
         FROM bench.team_people p
         LEFT JOIN bench.units u ON u.compound_n = p.compound_n AND u.unit_n = 1 + (p.j * 5) % ${UNITS};
       INSERT INTO team_members (team_id, user_id, role, duty_roles, joined_at)
         SELECT team_id, user_id, CASE WHEN j = 0 THEN 'leader' ELSE 'member' END,
                CASE j WHEN 0 THEN '{information}' WHEN 1 THEN '{health}' WHEN 2 THEN '{patrol,safety}' ELSE '{}' END::text[], ${TORG}
         FROM bench.team_people;
       -- 包保: member ((b - 1) % 4) + 1 answers for building b.
       INSERT INTO responsibilities (id, team_id, member_id, area_id, created_at)
         SELECT bench.uuid7(${TORG}), t.id, p.user_id, b.id, ${TORG}
         FROM bench.buildings b JOIN bench.teams t ON t.compound_n = b.compound_n
         JOIN bench.team_people p ON p.team_id = t.id AND p.j = 1 + (b.b - 1) % 4;

       -- Secretaries: 136… (communities), 135… (subdistricts); an admin.
       CREATE TABLE bench.secretaries AS
         SELECT 'community'::text AS level, c.n, c.id AS area_id, bench.uuid7(${TORG}) AS user_id, '136' || lpad(c.n::text, 8, '0') AS phone FROM bench.communities c
         UNION ALL
         SELECT 'subdistrict', s.n, s.id, bench.uuid7(${TORG}), '135' || lpad(s.n::text, 8, '0') FROM bench.subdistricts s;
       INSERT INTO users (id, name, phone, created_at, updated_at) SELECT user_id, ${personName}, phone, ${TORG}, ${TORG} FROM bench.secretaries;
       INSERT INTO area_roles (user_id, area_id, role, created_at) SELECT user_id, area_id, 'secretary', ${TORG} FROM bench.secretaries;
       INSERT INTO users (id, name, phone, is_admin, created_at, updated_at) VALUES (bench.uuid7(${TORG}), '系统管理员', '13400000001', true, ${TORG}, ${TORG});

       -- Residents: 138…, living in a unit of their compound; every tenth is a 重点人员.
       CREATE TABLE bench.residents AS
         SELECT k.n AS compound_n, r AS k, bench.uuid7(${TORG}) AS user_id,
                '138' || lpad(((k.n - 1) * ${p.residentsPer} + r)::text, 8, '0') AS phone,
                1 + (r * 7) % ${UNITS} AS unit_n,
                CASE WHEN r % 10 <> 0 THEN '{}'::text[] ELSE CASE (r / 10) % ${TAG_SETS.length} ${TAG_SETS.map((t, i) => `WHEN ${i} THEN ${t}::text[]`).join(' ')} END END AS tags,
                (1 + r % 18) || '0' || (1 + r % 4) || '室' AS home_detail
         FROM bench.compounds k, generate_series(1, ${p.residentsPer}) r;
       ALTER TABLE bench.residents ADD COLUMN name text, ADD COLUMN unit_id uuid, ADD COLUMN b int, ADD COLUMN u int;
       UPDATE bench.residents r SET name = ${personName}, unit_id = un.id, b = un.b, u = un.u
         FROM bench.units un WHERE un.compound_n = r.compound_n AND un.unit_n = r.unit_n;
       CREATE UNIQUE INDEX ON bench.residents (compound_n, k);
       ANALYZE bench.subdistricts, bench.communities, bench.compounds, bench.units, bench.buildings, bench.grids, bench.teams,
               bench.team_people, bench.secretaries, bench.residents;
       INSERT INTO users (id, name, phone, home_area_id, home_detail, special_tags, created_at, updated_at)
         SELECT user_id, name, phone, unit_id, home_detail, tags, ${TORG}, ${TORG} FROM bench.residents;
       -- 重点人员 have a named member too.
       INSERT INTO responsibilities (id, team_id, member_id, person_id, created_at)
         SELECT bench.uuid7(${TORG}), t.id, p.user_id, r.user_id, ${TORG}
         FROM bench.residents r JOIN bench.teams t ON t.compound_n = r.compound_n
         JOIN bench.team_people p ON p.team_id = t.id AND p.j = 1 + r.k % 4
         WHERE cardinality(r.tags) > 0;

       -- The time limits in force (the defaults, written out as an admin would).
       INSERT INTO sla_policies (id, category, urgency, claim_within_seconds, resolve_within_seconds, created_at)
         SELECT bench.uuid7(${TORG}), c, u, ${limitClaim('u')}, ${limitResolve('u')}, ${TORG}
         FROM unnest(ARRAY['medicine','supplies','medical','help']) c, unnest(ARRAY['normal','urgent','emergency']) u;`,
    ],
    [
      'ticket timelines (staging)',
      `SET work_mem = '512MB';
       -- Each step is fenced (OFFSET 0) so that its columns are computed once, not re-expanded into every later use.
       CREATE UNLOGGED TABLE bench.stage AS
       WITH g AS (
         SELECT i, random() AS r_age, random() AS r_mix, random() AS r_tod, random() AS r_cat, random() AS r_urg, random() AS r_res,
                random() AS r_comp, random() AS r_cancel, random() AS r_forgot, random() AS r_stage, random() AS r_claimer,
                random() AS r_confirm, random() AS r_rating, random() AS r_note, random() AS r_items, random() AS r_desc,
                random() AS u1, random() AS u2, random() AS u3, random() AS u4, random() AS u5
         FROM generate_series(1, ${p.tickets}) i
       ), a AS (
         SELECT g.*,
           1 + floor(r_comp * ${compounds})::int AS compound_n,
           1 + floor(power(r_res, 1.5) * ${p.residentsPer})::int AS k,
           -- half spread evenly over two years, half growing towards the present
           CASE WHEN r_mix < 0.5 THEN 730 * r_age ELSE 730 * (1 - sqrt(r_age)) END AS age_days,
           -- 85% between 07:00 and 21:00 China time
           CASE WHEN r_tod < 0.85 THEN 25200 + r_tod / 0.85 * 50400 ELSE (r_tod - 0.85) / 0.15 * 86400 END AS tod,
           CASE WHEN r_cat < 0.45 THEN 'medicine' WHEN r_cat < 0.75 THEN 'supplies' WHEN r_cat < 0.90 THEN 'medical' ELSE 'help' END AS category,
           CASE WHEN r_urg < 0.80 THEN 'normal' WHEN r_urg < 0.95 THEN 'urgent' ELSE 'emergency' END AS requested_urgency,
           sqrt(-2 * ln(1 - u1)) * cos(2 * pi() * u2) AS z1,
           sqrt(-2 * ln(1 - u1)) * sin(2 * pi() * u2) AS z2,
           sqrt(-2 * ln(1 - u3)) * cos(2 * pi() * u4) AS z3,
           sqrt(-2 * ln(1 - u3)) * sin(2 * pi() * u4) AS z4
         FROM g OFFSET 0
       ), b AS (
         SELECT a.*, r.user_id AS filer_id, r.name AS filer_name, r.phone AS filer_phone, r.unit_id, r.b, r.u, r.home_detail, r.tags,
                k.id AS compound_id, k.name AS compound_name, k.control_level, k.comm_n,
                CASE WHEN cardinality(r.tags) > 0 AND a.requested_urgency = 'normal' THEN 'urgent' ELSE a.requested_urgency END AS urgency,
                date_trunc('milliseconds', (date_trunc('day', ${T0} AT TIME ZONE 'Asia/Shanghai') - floor(a.age_days) * interval '1 day'
                  + a.tod * interval '1 second') AT TIME ZONE 'Asia/Shanghai') AS created0,
                ct.id AS compound_team, mt.id AS med_team,
                CASE WHEN cardinality(r.tags) > 0 THEN 1 + r.k % 4 ELSE 1 + (r.b - 1) % 4 END AS routed_j
         FROM a
         JOIN bench.residents r ON r.compound_n = a.compound_n AND r.k = a.k
         JOIN bench.compounds k ON k.n = a.compound_n
         JOIN bench.teams ct ON ct.compound_n = a.compound_n
         LEFT JOIN bench.teams mt ON mt.comm_n = k.comm_n
         OFFSET 0
       ), c AS (
         SELECT b.*,
           CASE WHEN created0 > ${T0} - interval '1 minute' THEN created0 - interval '1 day' ELSE created0 END AS created_at,
           CASE WHEN category = 'medical' AND med_team IS NOT NULL THEN med_team ELSE compound_team END AS team_id,
           CASE WHEN category = 'medical' AND med_team IS NOT NULL THEN 'category_rule' ELSE 'compound_team' END AS route_reason,
           ${limitClaim('urgency')} AS claim_limit,
           ${limitResolve('urgency')} AS resolve_limit,
           r_cancel < 0.03 AS cancelled,
           r_confirm < 0.65 AS confirms,
           CASE WHEN r_stage < 0.4 THEN 0 WHEN r_stage < 0.7 THEN 1 ELSE 2 END AS stop_stage,
           -- seconds after filing: claim (log-normal around 20/7/2 minutes), start, resolve, confirm
           (CASE urgency WHEN 'normal' THEN 1200 WHEN 'urgent' THEN 400 ELSE 120 END) * exp(z1) AS claim_s,
           300 * exp(0.8 * z2) AS start_gap,
           (CASE urgency WHEN 'normal' THEN 14400 WHEN 'urgent' THEN 5400 ELSE 2400 END) * exp(0.9 * z3) AS work_s,
           28800 * exp(z4) AS confirm_gap,
           60 + u5 * 1800 AS cancel_s
         FROM b OFFSET 0
       ), d AS (
         SELECT c.*,
           NOT cancelled AND r_forgot < CASE WHEN age_days <= 60 THEN 0.15 ELSE 0.005 END AS forgotten
         FROM c OFFSET 0
       ), e AS (
         SELECT d.*,
           CASE WHEN NOT cancelled AND NOT (forgotten AND stop_stage = 0) THEN created_at + ${secs('claim_s')} END AS t_claim,
           CASE WHEN NOT cancelled AND NOT (forgotten AND stop_stage <= 1) THEN created_at + ${secs('claim_s + start_gap')} END AS t_start,
           CASE WHEN r_note < 0.15 AND NOT cancelled AND NOT (forgotten AND stop_stage <= 1) THEN created_at + ${secs('claim_s + start_gap + work_s / 2')} END AS t_note,
           CASE WHEN NOT cancelled AND NOT forgotten THEN created_at + ${secs('claim_s + start_gap + work_s')} END AS t_resolve,
           CASE WHEN NOT cancelled AND NOT forgotten THEN created_at + ${secs(`claim_s + start_gap + work_s + CASE WHEN confirms AND confirm_gap < ${AUTO_CLOSE_SECONDS} THEN confirm_gap ELSE ${AUTO_CLOSE_SECONDS} END`)} END AS t_close,
           confirms AND confirm_gap < ${AUTO_CLOSE_SECONDS} AS confirmed,
           CASE WHEN cancelled THEN created_at + ${secs('cancel_s')} END AS t_cancel,
           created_at + claim_limit * interval '1 second' AS response_due_at,
           created_at + resolve_limit * interval '1 second' AS resolve_due_at
         FROM d OFFSET 0
       ), f AS (
         SELECT e.*,
           CASE WHEN t_claim <= ${T0} THEN t_claim END AS claimed_at,
           CASE WHEN t_start <= ${T0} THEN t_start END AS started_at,
           CASE WHEN t_note <= ${T0} THEN t_note END AS noted_at,
           CASE WHEN t_resolve <= ${T0} THEN t_resolve END AS resolved_at,
           CASE WHEN t_close <= ${T0} THEN t_close END AS closed_at,
           CASE WHEN t_cancel <= ${T0} THEN t_cancel END AS cancelled_at
         FROM e OFFSET 0
       ), h AS (
         SELECT f.*,
           CASE WHEN cancelled_at IS NOT NULL THEN 'cancelled' WHEN closed_at IS NOT NULL THEN 'closed' WHEN resolved_at IS NOT NULL THEN 'resolved'
                WHEN started_at IS NOT NULL THEN 'in_progress' WHEN claimed_at IS NOT NULL THEN 'claimed' ELSE 'assigned' END AS status,
           least(claimed_at, cancelled_at, ${T0}) AS end_resp,
           CASE WHEN claimed_at IS NOT NULL THEN least(resolved_at, ${T0}) END AS end_res
         FROM f OFFSET 0
       ), l AS (
         SELECT h.*,
           (response_due_at <= end_resp)::int + (response_due_at + claim_limit * interval '1 second' <= end_resp)::int
             + (response_due_at + 2 * claim_limit * interval '1 second' <= end_resp)::int AS lvl_resp,
           coalesce((resolve_due_at <= end_res)::int + (resolve_due_at + resolve_limit * interval '1 second' <= end_res)::int
             + (resolve_due_at + 2 * resolve_limit * interval '1 second' <= end_res)::int, 0) AS lvl_res
         FROM h OFFSET 0
       )
       SELECT l.*, greatest(lvl_resp, lvl_res) AS level, bench.uuid7(created_at) AS id,
              rp.user_id AS routed_assignee, cp.user_id AS claimer_id
       FROM l
       LEFT JOIN bench.team_people rp ON rp.team_id = l.team_id AND l.team_id = l.compound_team AND rp.j = l.routed_j
       LEFT JOIN bench.team_people cp ON cp.team_id = l.team_id
            AND cp.j = CASE WHEN l.team_id = l.compound_team AND l.r_claimer < 0.8 THEN l.routed_j
                            ELSE floor(l.r_claimer * CASE WHEN l.team_id = l.compound_team THEN ${TEAM_SIZE} ELSE ${MED_TEAM_SIZE} END)::int END;
       CREATE UNIQUE INDEX ON bench.stage (i);
       ANALYZE bench.stage;`,
    ],
    [
      'drop secondary indexes for the load',
      `CREATE TABLE bench.dropped_indexes AS
         SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
         WHERE t.relnamespace = 'public'::regnamespace AND t.relname IN (${BIG_TABLES.map((t) => `'${t}'`).join(',')})
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
       DO $$ DECLARE r record; BEGIN
         FOR r IN SELECT name FROM bench.dropped_indexes LOOP EXECUTE 'DROP INDEX ' || r.name; END LOOP;
       END $$;`,
    ],
    [
      'tickets',
      `SET work_mem = '512MB';
       INSERT INTO tickets (id, number, category, urgency, requested_urgency, status, description, area_id, compound_id, address,
           team_id, assignee_id, filed_by_id, contact_name, contact_phone, attachments, route_reason, flagged, control_level,
           created_at, claimed_at, resolved_at, closed_at, response_due_at, resolve_due_at, claim_limit_seconds, resolve_limit_seconds,
           due_at, rating_satisfied, rating_stars, rating_comment, escalation_level, sweep_at, version, updated_at)
       SELECT s.id,
              'MH-' || to_char(s.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || to_char(s.i, 'FM999999999000000'),
              s.category, s.urgency, s.requested_urgency, s.status,
              CASE s.category WHEN 'medicine' THEN (${DESCRIPTIONS.medicine})[1 + floor(s.r_desc * 5)::int]
                              WHEN 'supplies' THEN (${DESCRIPTIONS.supplies})[1 + floor(s.r_desc * 5)::int]
                              WHEN 'medical' THEN (${DESCRIPTIONS.medical})[1 + floor(s.r_desc * 5)::int]
                              ELSE (${DESCRIPTIONS.help})[1 + floor(s.r_desc * 5)::int] END,
              s.unit_id, s.compound_id, s.compound_name || ' ' || s.b || '号楼 ' || s.u || '单元 ' || s.home_detail,
              s.team_id, CASE WHEN s.claimed_at IS NOT NULL THEN s.claimer_id ELSE s.routed_assignee END,
              s.filer_id, s.filer_name, s.filer_phone, '{}', s.route_reason, false, s.control_level,
              s.created_at, s.claimed_at, s.resolved_at, s.closed_at, s.response_due_at, s.resolve_due_at, s.claim_limit, s.resolve_limit,
              CASE s.status WHEN 'assigned' THEN s.response_due_at WHEN 'claimed' THEN s.resolve_due_at WHEN 'in_progress' THEN s.resolve_due_at END,
              CASE WHEN s.status = 'closed' AND s.confirmed THEN true END,
              CASE WHEN s.status = 'closed' AND s.confirmed THEN CASE WHEN s.r_rating < 0.7 THEN 5 WHEN s.r_rating < 0.92 THEN 4 ELSE 3 END END,
              CASE WHEN s.status = 'closed' AND s.confirmed AND s.r_rating < 0.2 THEN '谢谢服务队，很及时' END,
              s.level,
              CASE WHEN s.status = 'assigned' AND s.level < 3 THEN s.response_due_at + s.level * s.claim_limit * interval '1 second'
                   WHEN s.status IN (${statusList(WORKING_STATUSES)}) AND s.level < 3 THEN s.resolve_due_at + s.level * s.resolve_limit * interval '1 second'
                   WHEN s.status = 'resolved' THEN s.resolved_at + interval '${AUTO_CLOSE_SECONDS} seconds' END,
              1 + (s.claimed_at IS NOT NULL)::int + (s.started_at IS NOT NULL)::int + (s.resolved_at IS NOT NULL)::int
                + (s.closed_at IS NOT NULL)::int + (s.cancelled_at IS NOT NULL)::int + s.level,
              greatest(s.created_at, s.claimed_at, s.started_at, s.noted_at, s.resolved_at, s.closed_at, s.cancelled_at)
       FROM bench.stage s ORDER BY s.created_at;
       SELECT setval('ticket_number_seq', ${p.tickets} + 1);`,
    ],
    [
      'ticket items',
      `INSERT INTO ticket_items (ticket_id, position, name, quantity, unit)
       SELECT s.id, pos,
              CASE s.category WHEN 'medicine' THEN (${MEDICINES})[1 + (s.i * 3 + pos * 5) % 8] ELSE (${SUPPLIES})[1 + (s.i * 3 + pos * 5) % 8] END,
              1 + (s.i + pos) % 3,
              CASE s.category WHEN 'medicine' THEN (${MEDICINE_UNITS})[1 + (s.i * 3 + pos * 5) % 8] ELSE (${SUPPLY_UNITS})[1 + (s.i * 3 + pos * 5) % 8] END
       FROM bench.stage s, generate_series(0, floor(s.r_items * 3)::int) pos
       WHERE s.category IN ('medicine', 'supplies');`,
    ],
    [
      'ticket events',
      `SET work_mem = '1GB';
       INSERT INTO ticket_events (ticket_id, type, actor_id, at, data)
       SELECT ticket_id, type, actor_id, at, data FROM (
         SELECT s.id AS ticket_id, 'created' AS type, s.filer_id AS actor_id, s.created_at AS at,
                jsonb_build_object('category', s.category, 'urgency', s.urgency, 'requestedUrgency', s.requested_urgency, 'onBehalf', false) AS data, 0 AS o
         FROM bench.stage s
         UNION ALL
         SELECT s.id, 'assigned', NULL, s.created_at,
                jsonb_build_object('teamId', s.team_id, 'assigneeId', s.routed_assignee, 'reason', s.route_reason, 'flagged', false), 1
         FROM bench.stage s
         UNION ALL
         SELECT s.id, 'escalated', NULL, s.response_due_at + (lv - 1) * s.claim_limit * interval '1 second',
                jsonb_build_object('level', lv, 'reason', 'overdue', 'phase', 'response',
                  'dueAt', to_char(s.response_due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), 2
         FROM bench.stage s, generate_series(1, s.lvl_resp) lv
         UNION ALL
         SELECT s.id, 'claimed', s.claimer_id, s.claimed_at, jsonb_build_object('teamId', s.team_id), 3
         FROM bench.stage s WHERE s.claimed_at IS NOT NULL
         UNION ALL
         SELECT s.id, 'started', s.claimer_id, s.started_at, '{}'::jsonb, 4 FROM bench.stage s WHERE s.started_at IS NOT NULL
         UNION ALL
         SELECT s.id, 'note', s.claimer_id, s.noted_at, jsonb_build_object('text', '已联系居民，正在办理', 'attachments', '[]'::jsonb), 5
         FROM bench.stage s WHERE s.noted_at IS NOT NULL
         UNION ALL
         SELECT s.id, 'escalated', NULL, s.resolve_due_at + (lv - 1) * s.resolve_limit * interval '1 second',
                jsonb_build_object('level', lv, 'reason', 'overdue', 'phase', 'resolve',
                  'dueAt', to_char(s.resolve_due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), 6
         FROM bench.stage s, generate_series(s.lvl_resp + 1, s.lvl_res) lv
         UNION ALL
         SELECT s.id, 'resolved', s.claimer_id, s.resolved_at, jsonb_build_object('text', '已办结', 'attachments', '[]'::jsonb), 7
         FROM bench.stage s WHERE s.resolved_at IS NOT NULL
         UNION ALL
         SELECT s.id, 'confirmed', s.filer_id, s.closed_at,
                jsonb_build_object('satisfied', true, 'rating', CASE WHEN s.r_rating < 0.7 THEN 5 WHEN s.r_rating < 0.92 THEN 4 ELSE 3 END, 'comment', NULL), 8
         FROM bench.stage s WHERE s.closed_at IS NOT NULL AND s.confirmed
         UNION ALL
         SELECT s.id, 'closed', CASE WHEN s.confirmed THEN s.filer_id END, s.closed_at,
                CASE WHEN s.confirmed THEN '{"reason":"confirmed"}'::jsonb ELSE '{"reason":"auto","afterHours":72}'::jsonb END, 9
         FROM bench.stage s WHERE s.closed_at IS NOT NULL
         UNION ALL
         SELECT s.id, 'cancelled', s.filer_id, s.cancelled_at, '{"reason":"已自行解决"}'::jsonb, 10
         FROM bench.stage s WHERE s.cancelled_at IS NOT NULL
       ) e ORDER BY at, ticket_id, o;`,
    ],
    [
      'idempotency keys and notifications',
      `INSERT INTO idempotency_keys (user_id, key, request_hash, ticket_id, created_at)
         SELECT s.filer_id, gen_random_uuid()::text, md5(s.i::text) || md5(s.id::text), s.id, s.created_at FROM bench.stage s;
       SET work_mem = '1GB';
       INSERT INTO notifications (id, user_id, type, ticket_id, title, body, created_at, read_at)
       SELECT bench.uuid7(at), user_id, type, ticket_id, title, body, at, read_at FROM (
         SELECT coalesce(s.routed_assignee, lp.user_id) AS user_id, 'new_ticket' AS type, s.id AS ticket_id,
                CASE s.urgency WHEN 'normal' THEN '新求助待签收' WHEN 'urgent' THEN '新求助待签收（加急）' ELSE '新求助待签收（紧急）' END AS title,
                s.category || '：' || s.compound_name AS body, s.created_at AS at,
                CASE WHEN s.claimed_at IS NOT NULL THEN s.claimed_at END AS read_at
         FROM bench.stage s JOIN bench.team_people lp ON lp.team_id = s.team_id AND lp.j = 0
         UNION ALL
         SELECT s.filer_id, 'resolved', s.id, '您的求助已办结', '已办结。请确认是否解决并评价。', s.resolved_at, s.closed_at
         FROM bench.stage s WHERE s.resolved_at IS NOT NULL
       ) n ORDER BY at;`,
    ],
    [
      'rebuild indexes',
      `SET maintenance_work_mem = '1GB';
       DO $$ DECLARE r record; BEGIN
         FOR r IN SELECT def FROM bench.dropped_indexes LOOP EXECUTE r.def; END LOOP;
       END $$;
       DROP TABLE bench.dropped_indexes;`,
    ],
    [
      'sweep pool and bench tables',
      `-- 1% of the open tickets: each run makes them come due just before the sweep it measures.
       CREATE TABLE bench.sweep_pool AS
         SELECT id, status FROM tickets WHERE status IN (${statusList(OPEN_STATUSES)}) AND random() < 0.01;
       ALTER TABLE bench.sweep_pool ADD PRIMARY KEY (id);
       DROP TABLE bench.stage;`,
    ],
  ];
}

/** Reads the marker of the data set in the database, if a complete one is there. */
export async function readDataset(sql: Sql): Promise<DatasetInfo | null> {
  const [exists] = await sql<{ ok: boolean }[]>`SELECT to_regclass('bench.meta') IS NOT NULL AS ok`;
  if (!exists?.ok) return null;
  const [row] = await sql<{ value: DatasetInfo }[]>`SELECT value FROM bench.meta WHERE key = 'dataset'`;
  return row?.value ?? null;
}

const sameShape = (a: DatasetParams, b: DatasetParams) =>
  a.tickets === b.tickets &&
  a.subdistricts === b.subdistricts &&
  a.communitiesPer === b.communitiesPer &&
  a.compoundsPer === b.compoundsPer &&
  a.residentsPer === b.residentsPer;

/**
 * Makes sure the database holds a complete data set of these parameters: reuses one that is
 * there, otherwise (re)creates the database, migrates it with the API's migrations and generates.
 */
export async function ensureDataset(
  url: string,
  params: DatasetParams,
  options: { regenerate: boolean; log: (line: string) => void },
): Promise<{ info: DatasetInfo; reused: boolean }> {
  const { log } = options;
  await ensureDatabase(url);
  let sql = connect(url, 1);
  try {
    const existing = await readDataset(sql);
    if (existing && !options.regenerate && existing.generatorVersion === GENERATOR_VERSION && sameShape(existing, params)) {
      await migrate(url); // the API migrates on start too; a new migration must not invalidate the data set
      return { info: existing, reused: true };
    }
    const { tables } = first(await sql<{ tables: number }[]>`SELECT count(*)::int AS tables FROM pg_tables WHERE schemaname = 'public'`);
    if (tables > 0 || existing) {
      log(existing ? 'data set of other parameters or an older generator: regenerating' : 'incomplete data set: regenerating');
      await sql.end();
      await dropDatabase(url);
      await ensureDatabase(url);
      sql = connect(url, 1);
    }
  } catch (error) {
    await sql.end();
    throw error;
  }

  try {
    await migrate(url);
    const started = performance.now();
    const t0 = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
    log(`generating ${params.tickets.toLocaleString('en')} tickets (t0 ${t0})`);
    // No FK or trigger work while loading: the generator writes consistent rows itself.
    await sql.unsafe(`SET session_replication_role = replica`);
    // JIT compiling these long expressions costs more than it saves.
    await sql.unsafe(`SET jit = off`);
    for (const [label, text] of generationSteps(params, t0)) {
      const stepStarted = performance.now();
      await sql.unsafe(text).simple();
      log(`  ${label.padEnd(38)} ${((performance.now() - stepStarted) / 1000).toFixed(1)} s`);
    }
    await sql.unsafe(`SET session_replication_role = origin`);
    const vacuumStarted = performance.now();
    await sql.unsafe(`VACUUM (ANALYZE)`);
    await sql.unsafe(`CHECKPOINT`);
    log(`  ${'vacuum, analyze, checkpoint'.padEnd(38)} ${((performance.now() - vacuumStarted) / 1000).toFixed(1)} s`);

    const counts: Record<string, number> = {};
    for (const table of ['areas', 'users', 'teams', 'team_members', 'responsibilities', ...BIG_TABLES]) {
      const [row] = await sql.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
      counts[table] = row!.n;
    }
    const { max_event_id: maxEventId } = first(await sql<{ max_event_id: number }[]>`SELECT coalesce(max(id), 0)::int AS max_event_id FROM ticket_events`);
    const { open } = first(await sql.unsafe<{ open: number }[]>(`SELECT count(*)::int AS open FROM tickets WHERE status IN (${statusList(OPEN_STATUSES)})`));
    const { pool } = first(await sql<{ pool: number }[]>`SELECT count(*)::int AS pool FROM bench.sweep_pool`);
    const info: DatasetInfo = {
      ...params,
      generatorVersion: GENERATOR_VERSION,
      t0,
      generatedAt: new Date().toISOString(),
      generationSeconds: Math.round((performance.now() - started) / 100) / 10,
      maxEventId,
      counts,
      openTickets: open,
      sweepPool: pool,
    };
    await sql`INSERT INTO bench.meta (key, value) VALUES ('dataset', ${sql.json(info as never)})`;
    log(`generated in ${info.generationSeconds} s`);
    return { info, reused: false };
  } finally {
    await sql.end();
  }
}

async function migrate(url: string) {
  const handle = await createDb({ databaseUrl: url, poolSize: 1 });
  try {
    await handle.migrate();
  } finally {
    await handle.close();
  }
}

/**
 * Puts the data set back as generated: removes everything newer than t0 (tickets, their items,
 * keys, events and notifications made by earlier runs, pgbench's rows), and makes the sweep
 * pool's tickets come due again. Runs with triggers off: the timeline is append-only for the API,
 * not for the bench's own clean-up.
 */
export async function reset(sql: Sql, info: DatasetInfo): Promise<{ removedTickets: number; vacuumMs: number }> {
  const floor = uuid7Floor(Date.parse(info.t0) + 1);
  const removed = await sql.begin(async (tx) => {
    await tx.unsafe(`SET LOCAL session_replication_role = replica`);
    const gone = await tx<{ id: string }[]>`SELECT id FROM tickets WHERE id >= ${floor}::uuid`;
    const ids = gone.map((r) => r.id);
    await tx`DELETE FROM ticket_events WHERE id > ${info.maxEventId}`;
    await tx`DELETE FROM notification_deliveries WHERE notification_id >= ${floor}::uuid`;
    await tx`DELETE FROM notifications WHERE id >= ${floor}::uuid`;
    if (ids.length > 0) {
      await tx`DELETE FROM ticket_items WHERE ticket_id = ANY(${ids}::uuid[])`;
      await tx`DELETE FROM idempotency_keys WHERE created_at > ${info.t0}::timestamptz`;
      await tx`DELETE FROM tickets WHERE id = ANY(${ids}::uuid[])`;
    }
    await tx`DELETE FROM refresh_tokens WHERE created_at > ${info.t0}::timestamptz`;
    await armSweepPool(tx, info);
    return ids.length;
  });
  // Every run writes tens of thousands of tickets (creates, the claim race) that the next one
  // deletes: without a vacuum their dead rows and index entries pile up run after run (the open
  // queues' partial indexes grew from 1 MB to 96 MB), and autovacuum, whose threshold is a fifth
  // of the table, would start in the middle of some later run's measurements.
  const started = performance.now();
  await sql.unsafe('VACUUM (ANALYZE) tickets, ticket_items, ticket_events, notifications, notification_deliveries, idempotency_keys, refresh_tokens');
  return { removedTickets: removed, vacuumMs: performance.now() - started };
}

/** The sweep pool comes due a minute before t0, at escalation level 0, on the clock that runs now. */
export async function armSweepPool(sql: Sql | TransactionSql<Record<string, never>>, info: DatasetInfo) {
  const due = new Date(Date.parse(info.t0) - 60_000).toISOString();
  await sql`
    UPDATE tickets t SET
      escalation_level = 0,
      response_due_at = CASE WHEN t.claimed_at IS NULL THEN ${due}::timestamptz ELSE t.response_due_at END,
      resolve_due_at = CASE WHEN t.claimed_at IS NULL THEN t.resolve_due_at ELSE ${due}::timestamptz END,
      due_at = ${due}::timestamptz,
      sweep_at = ${due}::timestamptz
    FROM bench.sweep_pool p WHERE p.id = t.id`;
}

export interface RaceTicket {
  ticketId: string;
  /** Two members of the ticket's team, by phone: both claim it at once. */
  phones: [string, string];
}

/**
 * Tickets for the claim race, made fresh for each run (newer than t0, so the next reset removes
 * them): `assigned`, unclaimed, spread over the first compounds' teams, each with two members
 * (j = 1 and 2) to race for it.
 */
export async function prepareRace(sql: Sql, count: number, teams: number): Promise<RaceTicket[]> {
  const rows = await sql<{ id: string; phone_a: string; phone_b: string }[]>`
    WITH picked AS (
      SELECT g, t.id AS team_id, k.id AS compound_id, k.name AS compound_name, r.user_id, r.name, r.phone, r.unit_id, r.b, r.u, r.home_detail
      FROM generate_series(1, ${count}) g
      JOIN bench.teams t ON t.compound_n = 1 + (g - 1) % ${teams}
      JOIN bench.compounds k ON k.n = t.compound_n
      JOIN bench.residents r ON r.compound_n = t.compound_n AND r.k = 1 + (g / ${teams}) % 50
    ), made AS (
      INSERT INTO tickets (id, number, category, urgency, requested_urgency, status, description, area_id, compound_id, address,
          team_id, assignee_id, filed_by_id, contact_name, contact_phone, route_reason, created_at, response_due_at, resolve_due_at,
          claim_limit_seconds, resolve_limit_seconds, due_at, sweep_at, updated_at)
      SELECT bench.uuid7(now()), 'MH-' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || to_char(nextval('ticket_number_seq'), 'FM999999999000000'),
             'medicine', 'normal', 'normal', 'assigned', '需要降压药，老人行动不便', p.unit_id, p.compound_id,
             p.compound_name || ' ' || p.b || '号楼 ' || p.u || '单元 ' || p.home_detail, p.team_id, NULL, p.user_id, p.name, p.phone,
             'compound_team', now(), now() + interval '2 hours', now() + interval '48 hours', 7200, 172800,
             now() + interval '2 hours', now() + interval '2 hours', now()
      FROM picked p ORDER BY p.g
      RETURNING id, team_id, filed_by_id, created_at
    ), events AS (
      INSERT INTO ticket_events (ticket_id, type, actor_id, at, data)
      SELECT id, 'created', filed_by_id, created_at, '{"category":"medicine","urgency":"normal","requestedUrgency":"normal","onBehalf":false}'::jsonb FROM made
      UNION ALL
      SELECT id, 'assigned', NULL, created_at, jsonb_build_object('teamId', team_id, 'assigneeId', NULL, 'reason', 'compound_team', 'flagged', false) FROM made
    )
    SELECT m.id, a.phone AS phone_a, b.phone AS phone_b
    FROM made m
    JOIN bench.team_people a ON a.team_id = m.team_id AND a.j = 1
    JOIN bench.team_people b ON b.team_id = m.team_id AND b.j = 2
    ORDER BY m.id`;
  return rows.map((r) => ({ ticketId: r.id, phones: [r.phone_a, r.phone_b] }));
}

/** How the claim race ended in the database: each ticket claimed, by one claim event. */
export async function raceOutcome(sql: Sql, ids: string[]) {
  const [row] = await sql<{ claimed: number; claim_events: number; tickets_with_one_claim: number }[]>`
    SELECT (SELECT count(*)::int FROM tickets WHERE id = ANY(${ids}::uuid[]) AND status = 'claimed') AS claimed,
           (SELECT count(*)::int FROM ticket_events WHERE ticket_id = ANY(${ids}::uuid[]) AND type = 'claimed') AS claim_events,
           (SELECT count(*)::int FROM (SELECT ticket_id FROM ticket_events WHERE ticket_id = ANY(${ids}::uuid[]) AND type = 'claimed'
                                       GROUP BY ticket_id HAVING count(*) = 1) x) AS tickets_with_one_claim`;
  return { claimed: row!.claimed, claimEvents: row!.claim_events, ticketsWithOneClaim: row!.tickets_with_one_claim };
}

export interface People {
  creators: string[];
  queueMembers: string[];
  detail: { phone: string; ticketId: string }[];
  secretaries: { level: 'community' | 'subdistrict'; phone: string; areaId: string }[];
}

/** Who the bench signs in as: residents who file, members who read their queues and tickets, secretaries. */
export async function choosePeople(
  sql: Sql,
  counts: { creators: number; queueMembers: number; detailTeams: number; detailPerTeam: number },
): Promise<People> {
  const creators = await sql<{ phone: string }[]>`SELECT phone FROM bench.residents ORDER BY random() LIMIT ${counts.creators}`;
  const queue = await sql<{ phone: string }[]>`
    SELECT phone FROM bench.team_people WHERE compound_n IS NOT NULL AND j > 0 ORDER BY random() LIMIT ${counts.queueMembers}`;
  const detail = await sql<{ phone: string; id: string }[]>`
    WITH tm AS (SELECT team_id, phone FROM bench.team_people WHERE j = 1 AND compound_n IS NOT NULL ORDER BY random() LIMIT ${counts.detailTeams})
    SELECT tm.phone, x.id FROM tm, LATERAL (SELECT id FROM tickets t WHERE t.team_id = tm.team_id ORDER BY random() LIMIT ${counts.detailPerTeam}) x
    ORDER BY random()`;
  const secretaries = await sql<{ level: 'community' | 'subdistrict'; phone: string; area_id: string }[]>`
    SELECT level, phone, area_id FROM bench.secretaries ORDER BY level, n`;
  return {
    creators: creators.map((r) => r.phone),
    queueMembers: queue.map((r) => r.phone),
    detail: detail.map((r) => ({ phone: r.phone, ticketId: r.id })),
    secretaries: secretaries.map((r) => ({ level: r.level, phone: r.phone, areaId: r.area_id })),
  };
}
