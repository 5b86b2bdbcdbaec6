import { createDb, createTicketsRepository, type ListCursor } from '@minhu/db';
import type { PhaseResult, Scenario } from '../loadgen.js';
import type { DatasetInfo } from './dataset.js';
import type { Sql } from './db.js';
import { fillBacklog, lockdownSubject, openInTeam } from './lockdown.js';
import { listStatement, pgbenchScript, type Statement } from './lockdown-sql.js';
import type { PgbenchResult } from './pgbench.js';
import type { Server } from './processes.js';

/** One request of the lockdown scenario at one backlog size. */
export interface LockdownResult {
  key: 'first' | 'deep' | 'counts' | 'area' | 'area_overdue';
  label: string;
  /** Open tickets in the team when measured. */
  open: number;
  /** 50 connections, warmed up. */
  load: { measured: PhaseResult; cpu: { apiMs: number; postgresMs: number; loadgenMs: number; apiCores: number } };
  /** One client, calls one after another. */
  single: { p50: number; p99: number; max: number; failures: number };
  /** pgbench replaying the request's statement (prepared, the API's connections' number of clients). */
  pgbench: PgbenchResult;
}

interface Options {
  sql: Sql;
  info: DatasetInfo;
  api: Server;
  databaseUrl: string;
  /** Open tickets in the team, in the order measured (1,000 then 20,000). */
  sizes: number[];
  signIn(phones: string[]): Promise<Map<string, string>>;
  load(scenario: Scenario): Promise<LockdownResult['load']>;
  sequential(calls: { url: string; token: string }[]): Promise<LockdownResult['single']>;
  pgbench(script: string): Promise<PgbenchResult>;
  singleCalls: number;
  log(line: string): void;
}

/** The place a cursor names (its keys are readable; only the signature is the server's). */
function placeOf(cursor: string): ListCursor {
  const [kind, rank, dueAt, id, since] = JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString()) as [string, number, string, string, string];
  if (kind !== 'o') throw new Error('lockdown: the deep cursor is not in the open part of the queue');
  return { open: true, rank, dueAt, id, since };
}

/** Pages the member's team queue (100 a page) until `depth` tickets were seen; the cursor there. */
async function cursorAt(apiUrl: string, token: string, depth: number): Promise<string> {
  let cursor: string | null = null;
  for (let seen = 0; seen < depth; ) {
    const res = await fetch(`${apiUrl}/api/v1/tickets?scope=team&open=true&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`lockdown: paging the queue: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { items: unknown[]; nextCursor: string | null };
    seen += page.items.length;
    if (!page.nextCursor) throw new Error(`lockdown: the queue ended after ${seen} tickets, before ${depth}`);
    cursor = page.nextCursor;
  }
  return cursor!;
}

/**
 * The lockdown backlog scenario (issue 20): for each size, the team is filled up to that many
 * open tickets, then each request — the team queue's first page, a cursor page halfway down the
 * backlog, the member's counters, the community secretary's area list with and without
 * `overdue=true` — is measured by one client (p99), by 50 connections, and its statement (the
 * repository's own text and values) by pgbench.
 */
export async function measureLockdown(o: Options): Promise<LockdownResult[]> {
  const subject = await lockdownSubject(o.sql);
  const tokens = await o.signIn([subject.memberPhone, subject.secretaryPhone]);
  const member = tokens.get(subject.memberPhone)!;
  const secretary = tokens.get(subject.secretaryPhone)!;
  const [community] = await o.sql<{ path: string }[]>`SELECT path FROM areas WHERE id = ${subject.communityId}`;
  const handle = await createDb({ databaseUrl: o.databaseUrl, poolSize: 1 });
  const repo = createTicketsRepository(handle);
  const out: LockdownResult[] = [];
  try {
    for (const size of o.sizes) {
      const { added } = await fillBacklog(o.sql, o.info, subject, size);
      const open = await openInTeam(o.sql, subject.teamId);
      o.log(`lockdown: ${open.toLocaleString('en')} open tickets in one team (${added.toLocaleString('en')} filed)`);
      const deep = await cursorAt(o.api.url, member, Math.floor(open / 2));
      const now = new Date();
      const team = { kind: 'teams' as const, teamIds: [subject.teamId] };
      const area = { kind: 'areas' as const, paths: [community!.path] };
      // The API reads one more than the page (20) to know whether there is a next.
      const page = 21;
      const counts = repo.countsStatement({ teamIds: [subject.teamId], assigneeId: subject.memberId, now });
      const cases: { key: LockdownResult['key']; label: string; path: string; token: string; statement: Statement }[] = [
        { key: 'first', label: 'team queue, first page', path: '/api/v1/tickets?scope=team&open=true', token: member, statement: listStatement(repo, 'first', { scope: team, open: true, now, limit: page }) },
        {
          key: 'deep',
          label: 'team queue, a cursor page halfway down the backlog',
          path: `/api/v1/tickets?scope=team&open=true&cursor=${encodeURIComponent(deep)}`,
          token: member,
          statement: listStatement(repo, 'deep', { scope: team, open: true, now, limit: page, after: placeOf(deep) }),
        },
        { key: 'counts', label: 'member counters (待签收, 我的, 超时, 待接收)', path: '/api/v1/tickets/counts', token: member, statement: { name: 'counts', ...counts } },
        { key: 'area', label: "community secretary's area list (open)", path: '/api/v1/tickets?scope=area&open=true', token: secretary, statement: listStatement(repo, 'area', { scope: area, open: true, now, limit: page }) },
        {
          key: 'area_overdue',
          label: "community secretary's area list (open, overdue=true)",
          path: '/api/v1/tickets?scope=area&open=true&overdue=true',
          token: secretary,
          statement: listStatement(repo, 'area overdue', { scope: area, open: true, overdue: true, now, limit: page }),
        },
      ];
      for (const c of cases) {
        const single = await o.sequential(Array.from({ length: o.singleCalls }, () => ({ url: `${o.api.url}${c.path}`, token: c.token })));
        const load = await o.load({ kind: 'get', requests: [{ path: c.path, token: c.token }] });
        const pgbench = await o.pgbench(pgbenchScript(c.statement));
        out.push({ key: c.key, label: c.label, open, load, single, pgbench });
        o.log(
          `lockdown ${open}: ${c.label}: one client p99 ${single.p99.toFixed(1)} ms; ${Math.round(load.measured.rps)} req/s, p99 ${load.measured.latencyMs.p99} ms; pgbench ${Math.round(pgbench.tps)} tps (${(load.measured.rps / pgbench.tps).toFixed(2)})`,
        );
      }
    }
  } finally {
    await handle.close();
  }
  return out;
}
