import type { Sql } from './db.js';

/**
 * 健康包按户发放 and 力量缺口 at a subdistrict's size (issue 15's Speed): through the running API, as
 * the subdistrict's secretary and the teams' members. Starting a round over the whole subdistrict
 * (one line per resident household), its progress (GET /distributions/:id), 50 members recording
 * distinct doors at once (none lost, none doubled, checked in the database), and the staffing view.
 * Everything it makes is removed afterwards.
 */
export interface RoundsResult {
  households: number;
  startMs: number[];
  progress: { p50: number; p99: number; max: number; failures: number };
  deliveries: { sent: number; perSecond: number; created: number; conflicts: number; other: number; deliveredInDb: number; doubled: number };
  staffing: { p50: number; p99: number; max: number; failures: number };
  staffingRows: number;
}

type Timed = { p50: number; p99: number; max: number; failures: number };

export async function measureRounds(deps: {
  sql: Sql;
  apiUrl: string;
  signIn: (phones: string[]) => Promise<Map<string, string>>;
  sequential: (calls: { url: string; token: string }[]) => Promise<Timed>;
  starts: number;
  progressCalls: number;
  deliveries: number;
  log: (line: string) => void;
}): Promise<RoundsResult> {
  const { sql, apiUrl, log } = deps;
  const [secretary] = await sql<{ phone: string; area_id: string }[]>`SELECT phone, area_id FROM bench.secretaries WHERE level = 'subdistrict' ORDER BY n LIMIT 1`;
  if (!secretary) throw new Error('rounds: no subdistrict secretary in the data set');
  const token = (await deps.signIn([secretary.phone])).get(secretary.phone)!;
  const made: string[] = [];
  try {
    const startMs: number[] = [];
    let households = 0;
    for (let i = 0; i < deps.starts; i++) {
      const t = performance.now();
      const res = await fetch(`${apiUrl}/api/v1/distributions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `bench 健康包 ${i + 1}`, areaId: secretary.area_id, items: [{ name: '健康包', quantity: 1, unit: '份' }] }),
      });
      startMs.push(performance.now() - t);
      const body = (await res.json()) as { id: string; total: number };
      if (res.status !== 201) throw new Error(`rounds: start answered ${res.status} ${JSON.stringify(body)}`);
      made.push(body.id);
      households = body.total;
      log(`rounds: start ${i + 1}: ${households} households in ${Math.round(startMs.at(-1)!)} ms`);
    }
    const roundId = made.at(-1)!;
    const progress = await deps.sequential(Array.from({ length: deps.progressCalls }, () => ({ url: `${apiUrl}/api/v1/distributions/${roundId}`, token })));
    log(`rounds: progress ${JSON.stringify(progress)}`);

    // Distinct doors, each recorded by a member of the team covering it, 50 at a time.
    const doors = await sql<{ id: string; phone: string }[]>`
      SELECT l.id, p.phone FROM distribution_lines l JOIN bench.team_people p ON p.team_id = l.team_id AND p.j = l.position % 3
      WHERE l.distribution_id = ${roundId} AND l.status = 'pending' ORDER BY l.position LIMIT ${deps.deliveries}`;
    const tokens = await deps.signIn([...new Set(doors.map((d) => d.phone))]);
    const queue = [...doors];
    const codes: Record<number, number> = {};
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        for (let door = queue.pop(); door; door = queue.pop()) {
          const res = await fetch(`${apiUrl}/api/v1/distributions/${roundId}/deliveries`, {
            method: 'POST',
            headers: { authorization: `Bearer ${tokens.get(door.phone)!}`, 'content-type': 'application/json' },
            body: JSON.stringify({ lineId: door.id }),
          });
          await res.arrayBuffer();
          codes[res.status] = (codes[res.status] ?? 0) + 1;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const [db] = await sql<{ delivered: number; doubled: number }[]>`
      SELECT count(*) FILTER (WHERE status = 'delivered')::int AS delivered, count(*) FILTER (WHERE version > 2)::int AS doubled
      FROM distribution_lines WHERE id = ANY(${doors.map((d) => d.id)}::uuid[])`;
    const created = codes[201] ?? 0;
    const deliveries = {
      sent: doors.length,
      perSecond: doors.length / seconds,
      created,
      conflicts: codes[409] ?? 0,
      other: doors.length - created - (codes[409] ?? 0),
      deliveredInDb: db!.delivered,
      doubled: db!.doubled,
    };
    log(`rounds: deliveries ${JSON.stringify({ ...deliveries, codes })}`);

    const staffingCall = { url: `${apiUrl}/api/v1/metrics/staffing?areaId=${secretary.area_id}`, token };
    const first = await fetch(staffingCall.url, { headers: { authorization: `Bearer ${token}` } });
    const staffingRows = ((await first.json()) as { items: unknown[] }).items.length;
    await deps.sequential(Array.from({ length: 3 }, () => staffingCall));
    const staffing = await deps.sequential(Array.from({ length: 30 }, () => staffingCall));
    log(`rounds: staffing (${staffingRows} teams) ${JSON.stringify(staffing)}`);
    return { households, startMs, progress, deliveries, staffing, staffingRows };
  } finally {
    if (made.length > 0) {
      await sql`DELETE FROM distribution_lines WHERE distribution_id = ANY(${made}::uuid[])`;
      await sql`DELETE FROM distributions WHERE id = ANY(${made}::uuid[])`;
    }
  }
}
