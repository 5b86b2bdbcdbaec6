import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { DistributionArea, DistributionLine, DistributionResident, DistributionTeam, SpecialTag } from '@minhu/domain';
import type { DbHandle, Executor } from './create-db.js';
import { newId } from './ids.js';
import { pathIds } from './org-repository.js';
import { distributionLines, distributions, notifications } from './schema.js';

export type DistributionRow = typeof distributions.$inferSelect;
export type DistributionLineRow = typeof distributionLines.$inferSelect;

/** A line as lists and the ledger show it: with the deliverer's and the reporter's names. */
export interface DistributionLineView {
  id: string;
  distributionId: string;
  householdKey: string;
  householdAreaId: string | null;
  placeId: string;
  room: string | null;
  buildingId: string;
  buildingName: string;
  address: string;
  teamId: string | null;
  residentNames: string[];
  specialTags: SpecialTag[];
  priority: boolean;
  position: number;
  status: 'pending' | 'delivered';
  deliveredAt: Date | null;
  deliveredById: string | null;
  deliveredByName: string | null;
  note: string | null;
  attachments: string[];
  reportedMissingAt: Date | null;
  reportedMissingNote: string | null;
}

export interface LineFilter {
  status?: 'pending' | 'delivered';
  /** Only lines whose place lies under this area path. */
  withinPath?: string;
  /** Only these teams' lines (a member sees their teams' doors). */
  teamIds?: string[];
  /** Lines after this position. */
  afterPosition?: number;
  limit: number;
}

const LINE_VIEW = sql`l.id, l.distribution_id, l.household_key, l.household_area_id, l.place_id, l.room, l.building_id,
  b.name AS building_name, l.address, l.team_id,
  coalesce((SELECT array_agg(u.name ORDER BY u.name) FROM users u WHERE u.id = ANY(l.resident_ids)), '{}') AS resident_names,
  l.special_tags, l.priority, l.position, l.status, l.delivered_at, l.delivered_by_id, d.name AS delivered_by_name, l.note,
  l.attachments, l.reported_missing_at, l.reported_missing_note`;
const LINE_FROM = sql`distribution_lines l JOIN areas b ON b.id = l.building_id LEFT JOIN users d ON d.id = l.delivered_by_id`;

interface RawLine {
  id: string;
  distribution_id: string;
  household_key: string;
  household_area_id: string | null;
  place_id: string;
  room: string | null;
  building_id: string;
  building_name: string;
  address: string;
  team_id: string | null;
  resident_names: string[];
  special_tags: SpecialTag[];
  priority: boolean;
  position: number;
  status: 'pending' | 'delivered';
  delivered_at: Date | string | null;
  delivered_by_id: string | null;
  delivered_by_name: string | null;
  note: string | null;
  attachments: string[];
  reported_missing_at: Date | string | null;
  reported_missing_note: string | null;
}

const date = (v: Date | string | null) => (v === null ? null : v instanceof Date ? v : new Date(v));

function lineOf(r: RawLine): DistributionLineView {
  return {
    id: r.id,
    distributionId: r.distribution_id,
    householdKey: r.household_key,
    householdAreaId: r.household_area_id,
    placeId: r.place_id,
    room: r.room,
    buildingId: r.building_id,
    buildingName: r.building_name,
    address: r.address,
    teamId: r.team_id,
    residentNames: r.resident_names ?? [],
    specialTags: r.special_tags ?? [],
    priority: r.priority,
    position: r.position,
    status: r.status,
    deliveredAt: date(r.delivered_at),
    deliveredById: r.delivered_by_id,
    deliveredByName: r.delivered_by_name,
    note: r.note,
    attachments: r.attachments ?? [],
    reportedMissingAt: date(r.reported_missing_at),
    reportedMissingNote: r.reported_missing_note,
  };
}

/**
 * A PostgreSQL array literal ({"a","b",NULL}) of these values, bound as one parameter: a JS array
 * in drizzle's sql would become one parameter per element. Built for thousands of values: only a
 * value holding a quote or a backslash is escaped.
 */
export function pgArray(values: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (i > 0) out += ',';
    if (v === null) out += 'NULL';
    else if (v.includes('"') || v.includes('\\')) out += `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
    else out += `"${v}"`;
  }
  return out + '}';
}

/** All SQL of distribution rounds (健康包按户发放). */
export function createDistributionsRepository(handle: DbHandle) {
  const { db } = handle;

  async function lines(distributionId: string, f: LineFilter, executor: Executor = db): Promise<DistributionLineView[]> {
    const conditions: SQL[] = [sql`l.distribution_id = ${distributionId}`];
    if (f.status) conditions.push(sql`l.status = ${f.status}`);
    if (f.teamIds) conditions.push(sql`l.team_id = ANY(${`{${f.teamIds.join(',')}}`}::uuid[])`);
    if (f.withinPath) conditions.push(sql`EXISTS (SELECT 1 FROM areas p WHERE p.id = l.place_id AND p.path LIKE ${f.withinPath + '%'})`);
    if (f.afterPosition !== undefined) conditions.push(sql`l.position > ${f.afterPosition}`);
    const rows = await handle.rows<RawLine>(
      sql`SELECT ${LINE_VIEW} FROM ${LINE_FROM} WHERE ${sql.join(conditions, sql` AND `)} ORDER BY l.position LIMIT ${f.limit}`,
      executor,
    );
    return rows.map(lineOf);
  }

  return {
    /**
     * What planning a round needs, in one round trip: the areas of the subtree and above it, the
     * residents living in the subtree, and the general teams above it or in it.
     */
    async planInputs(root: { id: string; path: string }, executor: Executor = db) {
      const [row] = await handle.rows<{
        areas: { id: string; parent_id: string | null; kind: DistributionArea['kind']; name: string; path: string }[] | null;
        residents: { id: string; home_area_id: string; home_detail: string | null; special_tags: SpecialTag[] }[] | null;
        teams: { id: string; area_id: string; categories: string[]; active: boolean }[] | null;
      }>(
        sql`WITH tree AS (
              SELECT id, parent_id, kind, name, path FROM areas WHERE path LIKE ${root.path + '%'}
              UNION ALL
              SELECT id, parent_id, kind, name, path FROM areas WHERE id = ANY(${`{${pathIds(root.path).join(',')}}`}::uuid[]) AND id <> ${root.id})
            SELECT
              (SELECT json_agg(tree) FROM tree) AS areas,
              (SELECT json_agg(json_build_object('id', u.id, 'home_area_id', u.home_area_id, 'home_detail', u.home_detail, 'special_tags', u.special_tags))
                 FROM users u JOIN areas h ON h.id = u.home_area_id
                 WHERE u.active AND h.path LIKE ${root.path + '%'}) AS residents,
              (SELECT json_agg(json_build_object('id', t.id, 'area_id', t.area_id, 'categories', t.categories, 'active', t.active))
                 FROM teams t WHERE t.active AND cardinality(t.categories) = 0 AND t.area_id IN (SELECT id FROM tree)) AS teams`,
        executor,
      );
      return {
        areas: (row?.areas ?? []).map((a): DistributionArea => ({ id: a.id, parentId: a.parent_id, kind: a.kind, name: a.name, path: a.path })),
        residents: (row?.residents ?? []).map(
          (r): DistributionResident => ({ id: r.id, homeAreaId: r.home_area_id, homeDetail: r.home_detail, specialTags: r.special_tags ?? [] }),
        ),
        teams: (row?.teams ?? []).map((t): DistributionTeam => ({ id: t.id, areaId: t.area_id, categories: t.categories, active: t.active })),
      };
    },

    /**
     * The round and all its lines, in one transaction and two statements whatever the number of
     * lines. The lines go as one array per column, unnested into rows (a JSON document of them
     * was twice the bytes, parsed whole before planning), joined to the places, buildings and
     * teams they name: what foreign keys would check one line at a time is one join, and a line
     * naming anything that does not exist makes the whole round fail (nothing is written).
     */
    async create(round: typeof distributions.$inferInsert, planned: readonly DistributionLine[]) {
      const column = <T>(value: (l: DistributionLine) => T) => planned.map(value);
      const ids = planned.map(() => newId());
      await db.transaction(async (tx) => {
        await tx.insert(distributions).values(round);
        const [row] = await handle.rows<{ written: number }>(
          sql`WITH r AS (
                SELECT * FROM unnest(${pgArray(ids)}::uuid[], ${pgArray(column((l) => l.householdKey))}::text[],
                  ${pgArray(column((l) => l.householdAreaId))}::uuid[], ${pgArray(column((l) => l.placeId))}::uuid[],
                  ${pgArray(column((l) => l.room))}::text[], ${pgArray(column((l) => l.buildingId))}::uuid[],
                  ${pgArray(column((l) => l.address))}::text[], ${pgArray(column((l) => l.teamId))}::uuid[],
                  ${pgArray(column((l) => pgArray(l.residentIds)))}::text[], ${pgArray(column((l) => pgArray(l.specialTags)))}::text[],
                  ${pgArray(column((l) => String(l.priority)))}::boolean[], ${pgArray(column((l) => String(l.position)))}::integer[])
                  AS r(id, household_key, household_area_id, place_id, room, building_id, address, team_id, resident_ids, special_tags, priority, position)
              ), written AS (
                INSERT INTO distribution_lines (id, distribution_id, household_key, household_area_id, place_id, room, building_id, address,
                  team_id, resident_ids, special_tags, priority, position, status, attachments, version)
                SELECT r.id, ${round.id}, r.household_key, r.household_area_id, r.place_id, r.room, r.building_id, r.address,
                  r.team_id, r.resident_ids::uuid[], r.special_tags::text[], r.priority, r.position, 'pending', '{}', 1
                FROM r
                WHERE EXISTS (SELECT 1 FROM areas p WHERE p.id = r.place_id)
                  AND EXISTS (SELECT 1 FROM areas b WHERE b.id = r.building_id)
                  AND (r.household_area_id IS NULL OR EXISTS (SELECT 1 FROM areas h WHERE h.id = r.household_area_id))
                  AND (r.team_id IS NULL OR EXISTS (SELECT 1 FROM teams t WHERE t.id = r.team_id))
                RETURNING 1
              )
              SELECT count(*)::int AS written FROM written`,
          tx,
        );
        if (row?.written !== planned.length) {
          throw new Error(`distribution ${round.id}: ${planned.length - (row?.written ?? 0)} of ${planned.length} lines name a place or team that does not exist`);
        }
      });
    },

    async get(id: string, executor: Executor = db): Promise<DistributionRow | null> {
      const [row] = await executor.select().from(distributions).where(eq(distributions.id, id));
      return row ?? null;
    },

    /** Counts per building (the whole round, or only some teams' lines), with the building's name. */
    async progress(id: string, teamIds?: string[], executor: Executor = db) {
      const rows = await handle.rows<{ building_id: string; name: string; total: number; delivered: number; missing: number }>(
        sql`SELECT l.building_id, b.name, count(*)::int AS total, count(*) FILTER (WHERE l.status = 'delivered')::int AS delivered,
              count(*) FILTER (WHERE l.reported_missing_at IS NOT NULL AND l.status = 'pending')::int AS missing
            FROM distribution_lines l JOIN areas b ON b.id = l.building_id
            WHERE l.distribution_id = ${id} ${teamIds ? sql`AND l.team_id = ANY(${`{${teamIds.join(',')}}`}::uuid[])` : sql``}
            GROUP BY l.building_id, b.name`,
        executor,
      );
      return rows.map((r) => ({ buildingId: r.building_id, name: r.name, total: Number(r.total), delivered: Number(r.delivered), missing: Number(r.missing) }));
    },

    lines,

    /** One line of the round: by its id, or by its household area. */
    async line(distributionId: string, by: { lineId?: string; householdAreaId?: string }, executor: Executor = db) {
      const where = by.lineId ? sql`l.id = ${by.lineId}` : sql`l.household_area_id = ${by.householdAreaId ?? null}`;
      const [row] = await handle.rows<RawLine>(sql`SELECT ${LINE_VIEW} FROM ${LINE_FROM} WHERE l.distribution_id = ${distributionId} AND ${where}`, executor);
      return row ? lineOf(row) : null;
    },

    /**
     * Records the handover, only if the line is still pending: of two members at the same door,
     * one statement updates the row and the other finds it already delivered (no row back).
     */
    /**
     * The lines a photo is attached to, with what decides who sees them (the round's area, the
     * line's team, its residents); read through the partial GIN index of lines with photos.
     */
    async photoLines(uploadId: string, executor: Executor = db) {
      return handle.rows<{ areaPath: string; teamId: string | null; residentIds: string[] }>(
        sql`SELECT d.area_path AS "areaPath", l.team_id AS "teamId", l.resident_ids AS "residentIds"
            FROM ${distributionLines} l JOIN ${distributions} d ON d.id = l.distribution_id
            WHERE l.attachments <> '{}'::uuid[] AND l.attachments @> ARRAY[${uploadId}]::uuid[]`,
        executor,
      );
    },

    async deliver(lineId: string, by: { userId: string; note: string | null; attachments: string[]; at: Date }, executor: Executor = db) {
      const rows = await executor
        .update(distributionLines)
        .set({
          status: 'delivered',
          deliveredAt: by.at,
          deliveredById: by.userId,
          note: by.note,
          attachments: by.attachments,
          version: sql`${distributionLines.version} + 1`,
        })
        .where(and(eq(distributionLines.id, lineId), eq(distributionLines.status, 'pending')))
        .returning({ id: distributionLines.id });
      return rows.length === 1;
    },

    /**
     * A resident of the household says it never came: the line is pending again, and the leaders
     * of its team (or, without a team, the round's starter) are told, in one transaction.
     */
    async reportMissing(line: DistributionLineView, round: DistributionRow, by: { userId: string; name: string; note: string | null; at: Date }) {
      return db.transaction(async (tx) => {
        const rows = await tx
          .update(distributionLines)
          .set({
            status: 'pending',
            deliveredAt: null,
            deliveredById: null,
            reportedMissingAt: by.at,
            reportedMissingById: by.userId,
            reportedMissingNote: by.note,
            version: sql`${distributionLines.version} + 1`,
          })
          .where(and(eq(distributionLines.id, line.id), eq(distributionLines.status, 'delivered')))
          .returning({ id: distributionLines.id });
        if (rows.length === 0) return false;
        const leaders = line.teamId
          ? await handle.rows<{ user_id: string }>(
              sql`SELECT m.user_id FROM team_members m JOIN users u ON u.id = m.user_id
                  WHERE m.team_id = ${line.teamId} AND m.role = 'leader' AND m.active AND u.active`,
              tx,
            )
          : [];
        const to = new Set(leaders.length > 0 ? leaders.map((l) => l.user_id) : [round.createdById]);
        to.delete(by.userId);
        if (to.size > 0) {
          await tx.insert(notifications).values(
            [...to].map((userId) => ({
              id: newId(by.at.getTime()),
              userId,
              type: 'distribution_not_received',
              ticketId: null,
              title: `${round.name}：居民反映未收到`,
              body: `${line.address}${by.note ? `。居民说：${by.note.slice(0, 60)}` : ''}（${by.name}）`,
              createdAt: by.at,
            })),
          );
        }
        return true;
      });
    },

    /** The rounds that reached a person's household, newest first, with their line. */
    async ofResident(userId: string, limit: number, executor: Executor = db) {
      const rows = await handle.rows<RawLine & { round_name: string; round_items: DistributionRow['items']; round_created_at: Date | string }>(
        sql`SELECT ${LINE_VIEW}, r.name AS round_name, r.items AS round_items, r.created_at AS round_created_at
            FROM ${LINE_FROM} JOIN distributions r ON r.id = l.distribution_id
            WHERE l.resident_ids @> ${`{${userId}}`}::uuid[]
            ORDER BY l.distribution_id DESC LIMIT ${limit}`,
        executor,
      );
      return rows.map((r) => ({ line: lineOf(r), round: { id: r.distribution_id, name: r.round_name, items: r.round_items, createdAt: date(r.round_created_at)! } }));
    },

    /** Rounds under these area paths (null: all) or reaching these teams, newest first. */
    async list(scope: { paths: string[] | null; teamIds: string[] }, page: { beforeId?: string; limit: number }, executor: Executor = db) {
      const visible: SQL[] = [];
      if (scope.paths === null) visible.push(sql`true`);
      else for (const p of scope.paths) visible.push(sql`r.area_path LIKE ${p + '%'}`);
      if (scope.teamIds.length > 0) visible.push(sql`r.team_ids && ${`{${scope.teamIds.join(',')}}`}::uuid[]`);
      if (visible.length === 0) return [];
      return handle.rows<{ id: string }>(
        sql`SELECT r.id FROM distributions r WHERE (${sql.join(visible, sql` OR `)}) ${page.beforeId ? sql`AND r.id < ${page.beforeId}` : sql``}
            ORDER BY r.id DESC LIMIT ${page.limit}`,
        executor,
      );
    },

    /** The round's ledger in walking order, batch after batch (keyset on position). */
    async *ledger(distributionId: string, batchSize: number): AsyncGenerator<DistributionLineView[]> {
      let after: number | undefined;
      for (;;) {
        const batch = await lines(distributionId, { limit: batchSize, ...(after === undefined ? {} : { afterPosition: after }) });
        if (batch.length > 0) yield batch;
        if (batch.length < batchSize) return;
        after = batch[batch.length - 1]!.position;
      }
    },
  };
}

export type DistributionsRepository = ReturnType<typeof createDistributionsRepository>;
