import { createDb, createTicketsRepository, sinceOf } from '@minhu/db';
import type { Sql } from './db.js';

/**
 * The database's ceiling for a member's team queue: pgbench replaying the one statement the API
 * sends for `GET /api/v1/tickets?scope=team&open=true` (the API reads the signed-in person from
 * its cache). The text comes from the repository itself (`listStatement`), so it is the API's
 * statement as it is now; the teams are those of the members the bench's queue load signs in as,
 * one picked at random per transaction (one extra primary-key lookup, \gset).
 */
export const QUEUE_TEAMS_TABLE = 'bench.pgb_queue_teams';

/** The queue's page: 20 tickets, and one more to know whether there is a next page. */
const PAGE = 21;

export async function prepareQueueTeams(sql: Sql, memberPhones: string[]): Promise<number> {
  await sql.unsafe(`DROP TABLE IF EXISTS ${QUEUE_TEAMS_TABLE}`);
  await sql`
    CREATE TABLE bench.pgb_queue_teams AS
    SELECT row_number() OVER (ORDER BY m.team_id, m.user_id) AS n, m.team_id
    FROM team_members m JOIN users u ON u.id = m.user_id
    WHERE u.phone = ANY(${memberPhones}) AND m.active`;
  await sql.unsafe(`ALTER TABLE ${QUEUE_TEAMS_TABLE} ADD PRIMARY KEY (n)`);
  const [row] = await sql.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${QUEUE_TEAMS_TABLE}`);
  return row!.n;
}

/** The pgbench script: a team picked at random, then the queue's statement for it. */
export async function queueScript(databaseUrl: string, teams: number): Promise<string> {
  const handle = await createDb({ databaseUrl, poolSize: 1 });
  try {
    const { text, parameters } = createTicketsRepository(handle).listStatement({
      scope: { kind: 'teams', teamIds: ['00000000-0000-0000-0000-000000000000'] },
      open: true,
      now: new Date(),
      limit: PAGE,
    });
    // The team ids travel as one comma-separated parameter (groups): here the one team picked.
    // since: where a page places tickets claimed in the minute before it (placedDue), as the API sends it.
    const values: Record<string, string> = { groups: ':team_id', limit: String(PAGE), since: `'${sinceOf({ now: new Date() })}'` };
    const statement = text.replace(/\$(\d+)\b/g, (_, i: string) => {
      const value = values[parameters[Number(i) - 1]!];
      if (value === undefined) throw new Error(`queue statement: no value for ${parameters[Number(i) - 1]}`);
      return value;
    });
    // pgbench reads one SQL command per line.
    return [`\\set i random(1, ${teams})`, `SELECT team_id FROM ${QUEUE_TEAMS_TABLE} WHERE n = :i`, '\\gset', `${statement.replace(/\s*\n\s*/g, ' ')};`, ''].join('\n');
  } finally {
    await handle.close();
  }
}
