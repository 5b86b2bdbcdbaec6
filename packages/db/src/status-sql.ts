import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { TicketStatus } from '@minhu/domain';

/**
 * The one place a set of ticket statuses (the domain's OPEN_STATUSES, ...) becomes SQL. The
 * statuses go in as literals, not parameters: the planner must see them to use the partial
 * indexes on open tickets, and they are the domain's own codes, never input.
 */

/** `'assigned', 'claimed', 'in_progress'`: the values of a list as SQL literals. */
export function sqlLiterals(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

/** `'assigned', 'claimed', 'in_progress'`, for SQL written as text (the bench's data set). */
export const statusList = (set: readonly TicketStatus[]): string => sqlLiterals(set);

/** `<column> IN (<the set>)`; a column named as text (`'t.status'`) is written as it is. */
export function statusIn(column: SQLWrapper | string, set: readonly TicketStatus[]): SQL {
  const named = typeof column === 'string' ? sql.raw(column) : column;
  return sql`${named} IN (${sql.raw(statusList(set))})`;
}
