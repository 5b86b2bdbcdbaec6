import type { TicketListFilter } from '@minhu/db';
import type { Sql } from './db.js';
import type { LockdownSubject } from './lockdown.js';

/**
 * The statements the API sends for the lockdown scenario's requests, as text with their values,
 * taken from the repository itself (`listStatement`, `countsStatement`): EXPLAIN reads them as
 * the API runs them (prepared, executed a few times first so PostgreSQL may settle on a generic
 * plan, as it does on the API's connections), and pgbench replays them.
 */
export interface Statement {
  name: string;
  text: string;
  values: unknown[];
}

/** What the repository says about a statement: its text, and the name of each $n. */
export interface StatementSource {
  listStatement(filter: TicketListFilter): { text: string; parameters: string[] };
  countsStatement?(input: { teamIds: readonly string[]; assigneeId: string; now: Date }): { text: string; values: unknown[] };
}

/** A list's statement with its values, found by the names the repository gives its placeholders. */
export function listStatement(source: StatementSource, name: string, filter: TicketListFilter): Statement {
  const { text, parameters } = source.listStatement(filter);
  const known: Record<string, unknown> = { limit: filter.limit, now: filter.now.toISOString(), since: filter.after?.since ?? filter.now.toISOString() };
  const { scope } = filter;
  if (scope.kind === 'teams') {
    scope.teamIds.forEach((id, i) => (known[`team${i}`] = id));
    known.groups = scope.teamIds.join(',');
  }
  if (scope.kind === 'areas') scope.paths?.forEach((p, i) => (known[`path${i}`] = p + '%'));
  if (scope.kind === 'people') {
    known.assignedTo = scope.assignedTo;
    known.filedOrFor = scope.filedOrFor;
    if (scope.assignedTo && !scope.filedOrFor) known.groups = scope.assignedTo;
  }
  if (filter.status) known.status = filter.status;
  const after = filter.after as Record<string, unknown> | undefined;
  if (after) {
    known.afterId = after.id;
    known.afterDue = after.dueAt;
    known.afterRank = after.rank;
    known.afterCreated = after.createdAt;
  }
  const values = parameters.map((p) => {
    if (!(p in known) || known[p] === undefined) throw new Error(`${name}: no value for $${p}`);
    return known[p];
  });
  return { name, text, values };
}

const literal = (v: unknown) => (typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);

/** The statement as one line with its values in place, for pgbench (-M prepared prepares it once). */
export function pgbenchScript(statement: Statement): string {
  const text = statement.text.replace(/\$(\d+)\b/g, (_, i: string) => literal(statement.values[Number(i) - 1]));
  return `${text.replace(/\s*\n\s*/g, ' ')};\n`;
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statement as the API runs it: prepared, executed six times
 * (PostgreSQL may switch a prepared statement to its generic plan from the sixth), then explained.
 */
export async function explain(sql: Sql, statement: Statement): Promise<string> {
  return sql.begin(async (tx) => {
    const name = `explained_${Math.random().toString(36).slice(2, 8)}`;
    const args = statement.values.map(literal).join(', ');
    await tx.unsafe(`PREPARE ${name} AS ${statement.text}`);
    for (let i = 0; i < 6; i++) await tx.unsafe(`EXECUTE ${name}${args ? `(${args})` : ''}`);
    const rows = await tx.unsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS) EXECUTE ${name}${args ? `(${args})` : ''}`);
    await tx.unsafe(`DEALLOCATE ${name}`);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

/** A place halfway down the team's open queue, in the given order ('before': main's due_at, id DESC; 'after': rank, due_at, id). */
export async function deepPlace(sql: Sql, subject: LockdownSubject, order: 'before' | 'after'): Promise<Record<string, unknown>> {
  const orderBy = order === 'before' ? 'due_at ASC NULLS LAST, id DESC' : 'queue_rank, due_at, id';
  const rank = order === 'before' ? '' : ', queue_rank AS rank';
  const [row] = await sql.unsafe<{ id: string; due_at: Date; rank?: number }[]>(
    `WITH q AS (SELECT id, due_at${rank}, row_number() OVER (ORDER BY ${orderBy}) AS i, count(*) OVER () AS n
       FROM tickets WHERE team_id = $1 AND status IN ('assigned', 'claimed', 'in_progress'))
     SELECT id, due_at${rank ? ', rank' : ''} FROM q WHERE i = n / 2`,
    [subject.teamId],
  );
  return order === 'before'
    ? { dueAt: row!.due_at.toISOString(), id: row!.id }
    : { open: true, rank: row!.rank, dueAt: row!.due_at.toISOString(), id: row!.id, since: new Date().toISOString() };
}

/** The lockdown scenario's statements for a repository (main's before this change, or this one). */
export async function lockdownStatements(sql: Sql, source: StatementSource, subject: LockdownSubject, now: Date, order: 'before' | 'after'): Promise<Statement[]> {
  const [community] = await sql<{ path: string }[]>`SELECT path FROM areas WHERE id = ${subject.communityId}`;
  const team = { kind: 'teams' as const, teamIds: [subject.teamId] };
  const area = { kind: 'areas' as const, paths: [community!.path] };
  const page = 21;
  const statements = [
    listStatement(source, 'team queue, first page (scope=team&open=true)', { scope: team, open: true, now, limit: page }),
    listStatement(source, 'team queue, a page halfway down the backlog (cursor)', {
      scope: team,
      open: true,
      now,
      limit: page,
      after: (await deepPlace(sql, subject, order)) as TicketListFilter['after'],
    }),
    listStatement(source, 'team list, all statuses (scope=team)', { scope: team, now, limit: page }),
    listStatement(source, 'area list (scope=area&open=true), community secretary', { scope: area, open: true, now, limit: page }),
    listStatement(source, 'area list, overdue (scope=area&open=true&overdue=true)', { scope: area, open: true, overdue: true, now, limit: page }),
  ];
  if (source.countsStatement) {
    const { text, values } = source.countsStatement({ teamIds: [subject.teamId], assigneeId: subject.memberId, now });
    statements.push({ name: 'member counters (GET /tickets/counts: 待签收, 我的, 超时, 待接收)', text, values });
  } else {
    // Before: the member home counted each queue by fetching up to 100 of it.
    statements.push(
      listStatement(source, 'member counter 待签收 (scope=team&status=assigned&limit=100)', { scope: team, status: 'assigned', now, limit: 101 }),
      listStatement(source, 'member counter 我的 (scope=assigned&open=true&limit=100)', { scope: { kind: 'people', assignedTo: subject.memberId }, open: true, now, limit: 101 }),
      listStatement(source, 'member counter 超时 (scope=team&open=true&overdue=true&limit=100)', { scope: team, open: true, overdue: true, now, limit: 101 }),
    );
  }
  return statements;
}
