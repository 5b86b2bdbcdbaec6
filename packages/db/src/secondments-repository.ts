import { sql } from 'drizzle-orm';
import type { DbHandle, Executor, Tx } from './create-db.js';
import { newId } from './ids.js';

/** A secondment as the API shows it, with the names of the people and teams. */
export interface SecondmentRow {
  id: string;
  teamId: string;
  teamName: string;
  userId: string;
  userName: string;
  fromTeamId: string | null;
  fromTeamName: string | null;
  until: Date;
  reason: string;
  createdById: string;
  createdAt: Date;
  endedAt: Date | null;
  endedById: string | null;
}

const selectRows = sql`SELECT s.id, s.team_id, t.name AS team_name, s.user_id, u.name AS user_name, s.from_team_id, f.name AS from_team_name,
    s.until, s.reason, s.created_by_id, s.created_at, s.ended_at, s.ended_by_id
  FROM secondments s JOIN teams t ON t.id = s.team_id JOIN users u ON u.id = s.user_id LEFT JOIN teams f ON f.id = s.from_team_id`;

const date = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));

function rowOf(r: Record<string, unknown>): SecondmentRow {
  return {
    id: r.id as string,
    teamId: r.team_id as string,
    teamName: r.team_name as string,
    userId: r.user_id as string,
    userName: r.user_name as string,
    fromTeamId: (r.from_team_id as string | null) ?? null,
    fromTeamName: (r.from_team_name as string | null) ?? null,
    until: date(r.until)!,
    reason: r.reason as string,
    createdById: r.created_by_id as string,
    createdAt: date(r.created_at)!,
    endedAt: date(r.ended_at),
    endedById: (r.ended_by_id as string | null) ?? null,
  };
}

/**
 * All SQL of secondments (借调). A running secondment is a row with no `ended_at` and an active
 * membership of the receiving team; starting and ending write both in one transaction, and the
 * running-secondment unique index lets only one of two racing secondments of a person to a team in.
 */
export function createSecondmentsRepository(handle: DbHandle) {
  const { db } = handle;

  return {
    async running(teamId: string, executor: Executor = db): Promise<SecondmentRow[]> {
      const rows = await handle.rows<Record<string, unknown>>(sql`${selectRows} WHERE s.team_id = ${teamId} AND s.ended_at IS NULL ORDER BY s.until, u.name`, executor);
      return rows.map(rowOf);
    },

    async runningOf(teamId: string, userId: string, executor: Executor = db): Promise<SecondmentRow | null> {
      const [row] = await handle.rows<Record<string, unknown>>(sql`${selectRows} WHERE s.team_id = ${teamId} AND s.user_id = ${userId} AND s.ended_at IS NULL`, executor);
      return row ? rowOf(row) : null;
    },

    /** The person's running secondments, wherever to. */
    async runningFor(userId: string, executor: Executor = db): Promise<SecondmentRow[]> {
      const rows = await handle.rows<Record<string, unknown>>(sql`${selectRows} WHERE s.user_id = ${userId} AND s.ended_at IS NULL`, executor);
      return rows.map(rowOf);
    },

    async byId(id: string, executor: Executor = db): Promise<SecondmentRow | null> {
      const [row] = await handle.rows<Record<string, unknown>>(sql`${selectRows} WHERE s.id = ${id}`, executor);
      return row ? rowOf(row) : null;
    },

    /**
     * Starts one: the row, and the membership of the receiving team (a new one, or an old inactive
     * one made active again, as a member). False when the person is already an active member of
     * that team (nothing written). A second running secondment of the same person to the same
     * team fails on the unique index (23505).
     */
    async start(
      tx: Tx,
      s: { teamId: string; userId: string; fromTeamId: string | null; until: Date; reason: string; createdById: string },
      now: Date,
    ): Promise<string | null> {
      const [joined] = await handle.rows<{ user_id: string }>(
        sql`INSERT INTO team_members (team_id, user_id, role, active, availability, joined_at)
            VALUES (${s.teamId}, ${s.userId}, 'member', true, 'on_duty', ${now.toISOString()}::timestamptz)
            ON CONFLICT (team_id, user_id) DO UPDATE SET active = true, role = 'member', availability = 'on_duty', backup_member_id = NULL
              WHERE team_members.active = false
            RETURNING user_id`,
        tx,
      );
      if (!joined) return null;
      const id = newId(now.getTime());
      await handle.rows(
        sql`INSERT INTO secondments (id, team_id, user_id, from_team_id, until, reason, created_by_id, created_at)
            VALUES (${id}, ${s.teamId}, ${s.userId}, ${s.fromTeamId}, ${s.until.toISOString()}::timestamptz, ${s.reason}, ${s.createdById}, ${now.toISOString()}::timestamptz)`,
        tx,
      );
      return id;
    },

    /**
     * Ends running secondments, and their memberships of the receiving teams, in one statement:
     * the one given (ended early, `by` whom), or all whose end has come (`due`, by nobody), each
     * with its audit entry. Returns those ended; none when someone else ended them first.
     */
    async end(executor: Executor, which: { id: string; by: string } | { due: true }, now: Date): Promise<SecondmentRow[]> {
      const at = sql`${now.toISOString()}::timestamptz`;
      const where = 'id' in which ? sql`id = ${which.id} AND ended_at IS NULL` : sql`ended_at IS NULL AND until <= ${at}`;
      const endedAt = 'id' in which ? at : sql`until`;
      const endedBy = 'id' in which ? sql`${which.by}::uuid` : sql`NULL::uuid`;
      // Every part of a WITH that writes runs, whether the final SELECT reads it or not.
      const rows = await handle.rows<Record<string, unknown>>(
        sql`WITH ended AS (
              UPDATE secondments SET ended_at = ${endedAt}, ended_by_id = ${endedBy} WHERE ${where} RETURNING *
            ), left_team AS (
              UPDATE team_members m SET active = false FROM ended e WHERE m.team_id = e.team_id AND m.user_id = e.user_id RETURNING m.user_id
            ), audited AS (
              INSERT INTO audit_log (actor_id, at, entity, entity_id, action, before, after)
              SELECT ${endedBy}, ${at}, 'secondment', e.id::text, ${'id' in which ? 'end' : 'expire'},
                jsonb_build_object('teamId', e.team_id, 'userId', e.user_id, 'until', e.until),
                jsonb_build_object('endedAt', e.ended_at)
              FROM ended e RETURNING id
            )
            SELECT e.id, e.team_id, t.name AS team_name, e.user_id, u.name AS user_name, e.from_team_id, f.name AS from_team_name,
              e.until, e.reason, e.created_by_id, e.created_at, e.ended_at, e.ended_by_id
            FROM ended e JOIN teams t ON t.id = e.team_id JOIN users u ON u.id = e.user_id LEFT JOIN teams f ON f.id = e.from_team_id`,
        executor,
      );
      return rows.map(rowOf);
    },
  };
}

export type SecondmentsRepository = ReturnType<typeof createSecondmentsRepository>;
