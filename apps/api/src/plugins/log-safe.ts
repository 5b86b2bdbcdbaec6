/**
 * What the logs may say about an error. A failed statement's error carries the statement's
 * parameters (drizzle puts them in its message: phones, addresses, health needs), PostgreSQL's
 * `detail` quotes the offending values, and both reach the stack's first line. So for an error
 * from the database the log gets its SQLSTATE and which statement it was (its operation and table,
 * or the prepared statement's name), never a message, detail or parameter; other errors keep their
 * message and stack. It is the logger's `err` serializer (app.ts), so every `{ err }` logged
 * anywhere in the API goes through it.
 */

/** The shape pino's own error serializer gives, so the log's readers see the fields they know. */
interface Loggable {
  type: string;
  message: string;
  stack: string;
  code?: string;
  sqlstate?: string;
  statement?: string;
  constraint?: string;
  [key: string]: unknown;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

type ErrorLike = Record<string, unknown> & { cause?: unknown };

/** The error and its causes, outermost first (AggregateError's members too). */
function chain(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown) => {
    for (; e && typeof e === 'object' && !seen.has(e); e = (e as ErrorLike).cause) {
      seen.add(e);
      out.push(e as ErrorLike);
      if (e instanceof AggregateError) e.errors.forEach(visit);
    }
  };
  visit(error);
  return out;
}

/** The SQLSTATE of a database error anywhere in the chain, if any. */
export function sqlstateOf(error: unknown): string | undefined {
  for (const e of chain(error)) if (typeof e.code === 'string' && SQLSTATE.test(e.code) && isFromDatabase(e)) return e.code;
  return undefined;
}

/** PostgreSQL's errors (postgres.js and PGlite) carry a severity; drizzle's wrapper the query. */
const isFromDatabase = (e: ErrorLike) =>
  typeof e.severity === 'string' || typeof e.query === 'string' || e.name === 'PostgresError' || e.name === 'DrizzleQueryError';

/** A statement named by what it does to which table: `insert tickets`, `select users`. */
export function statementName(query: string): string {
  const text = query.replace(/\s+/g, ' ').trim();
  const verb = /^(with|select|insert|update|delete)\b/i.exec(text)?.[1]?.toLowerCase() ?? text.split(' ')[0]?.toLowerCase() ?? '';
  const table = /\b(?:insert into|update|delete from|from)\s+"?([a-z_][a-z0-9_]*)"?/i.exec(text)?.[1];
  return table ? `${verb} ${table}` : verb;
}

/** Only the frames of a stack: its first line repeats the message. */
const framesOf = (stack: unknown) =>
  typeof stack === 'string'
    ? stack
        .split('\n')
        .filter((line) => line.startsWith('    at '))
        .join('\n')
    : undefined;

export function safeError(error: unknown): Loggable {
  if (!error || typeof error !== 'object') return { type: typeof error, message: String(error), stack: '' };
  const links = chain(error);
  const outer = links[0]!;
  const type = (outer.constructor as { name?: string } | undefined)?.name ?? 'Error';
  const database = links.find(isFromDatabase);
  if (!database) {
    return {
      type,
      message: typeof outer.message === 'string' ? outer.message : '',
      stack: typeof outer.stack === 'string' ? outer.stack : '',
      ...(typeof outer.code === 'string' ? { code: outer.code } : {}),
    };
  }
  const query = links.map((e) => e.query).find((q): q is string => typeof q === 'string');
  const name = links.map((e) => e.statementName ?? e.name_).find((n): n is string => typeof n === 'string');
  const constraint = links.map((e) => e.constraint_name ?? e.constraint).find((c): c is string => typeof c === 'string');
  const sqlstate = sqlstateOf(error);
  const statement = name ?? (query ? statementName(query) : undefined);
  return {
    type,
    // Only what the database's error is, never what it quotes.
    message: `database error${sqlstate ? ` ${sqlstate}` : ''}${statement ? ` in ${statement}` : ''}`,
    stack: framesOf(outer.stack) ?? '',
    ...(sqlstate ? { sqlstate } : {}),
    ...(statement ? { statement } : {}),
    ...(constraint ? { constraint } : {}),
  };
}
