/**
 * The benchmark: `npm run bench` (1,000,000 tickets) or `npm run bench -- --quick` (20,000, short
 * runs). See bench/README.md for what it measures, the options and how to read the results.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../apps/api/src/app.js';
import { loadConfig } from '../apps/api/src/config.js';
import type { ClaimAttempt, GetRequest, LoadResult, LoadSpec, PhaseResult, Scenario } from './loadgen.js';
import { CREATE_STATEMENTS, createScript, preparePgbenchFilers } from './lib/create-sql.js';
import { connect, databaseOf, prewarm, withDatabase, type Sql } from './lib/db.js';
import { choosePeople, ensureDataset, FULL, prepareRace, QUICK, raceOutcome, reset, armSweepPool, type DatasetInfo } from './lib/dataset.js';
import { pgbenchVersion, runPgbench, type PgbenchResult } from './lib/pgbench.js';
import { prepareQueueTeams, queueScript } from './lib/queue-sql.js';
import { measureLockdown, type LockdownResult } from './lib/lockdown-run.js';
import { childrenOf, cpuMeter, LoadGenerator, ROOT, startServer, type Server } from './lib/processes.js';
import { startSqlCounter } from './lib/sql-counter.js';
import { machineInfo, machineLine, markdownTable, updateReadme, type Row } from './lib/report.js';
import { auditFirstScreens } from './lib/lighthouse.js';
import { buildMiniapp, coldStart, h5FirstLoad, weappSize } from './lib/sizes.js';
import { measureRounds, type RoundsResult } from './lib/rounds.js';

const STEPS = ['create', 'claim', 'queue', 'detail', 'summary', 'lockdown', 'rounds', 'sweep', 'ceiling', 'pgbench', 'sql', 'sizes', 'lighthouse', 'coldstart'] as const;
type Step = (typeof STEPS)[number];

function parseArgs(argv: string[]) {
  const has = (flag: string) => argv.includes(flag);
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const unknown = argv.filter((a) => !/^--(quick|regenerate|profile|build|strict|no-readme|only=.*|duration=\d+|workers=\d+|help)$/.test(a));
  if (has('--help') || unknown.length > 0) {
    console.log(`usage: npm run bench -- [--quick] [--regenerate] [--only=${STEPS.join(',')}] [--duration=seconds] [--workers=n] [--profile] [--build] [--strict] [--no-readme]`);
    process.exit(unknown.length > 0 ? 2 : 0);
  }
  // Counting statements per request takes a second API process: full runs only, unless asked for.
  const steps = new Set<Step>(only ? (only.split(',') as Step[]) : STEPS.filter((s) => s !== 'sql' || !has('--quick')));
  for (const step of steps) if (!STEPS.includes(step)) throw new Error(`unknown step ${step}`);
  return {
    quick: has('--quick'),
    regenerate: has('--regenerate'),
    profile: has('--profile'),
    build: has('--build'),
    strict: has('--strict'),
    /** Only some steps, or other durations: results go to latest-partial, never over a full run's. */
    partial: Boolean(only) || argv.some((a) => /^--(duration|workers)=/.test(a)),
    readme: !has('--no-readme') && !only && !argv.some((a) => /^--(duration|workers)=/.test(a)),
    duration: Number(argv.find((a) => a.startsWith('--duration='))?.split('=')[1] ?? 0),
    /**
     * API processes (WORKERS): the API's default, one, as it is deployed on a machine whose cores
     * PostgreSQL shares (with two on two cores, the processes contend: detail's p99 24–48 ms
     * against 18–20 with one; bench/README.md); a profile is of one process. The framework's
     * ceiling runs with as many.
     */
    workers: has('--profile') ? 1 : Number(argv.find((a) => a.startsWith('--workers='))?.split('=')[1] ?? 1),
    steps,
  };
}

const args = parseArgs(process.argv.slice(2));
const settings = args.quick
  ? { connections: 50, warmup: 1, duration: 2, claimTickets: 200, raceTeams: 20, summaryCalls: 10, pgbenchWarmup: 1, pgbenchSeconds: 2, pgbenchWriteOnly: false, creators: 100, queueMembers: 50, detailTeams: 30, detailPerTeam: 10 }
  : { connections: 50, warmup: 5, duration: 15, claimTickets: 1000, raceTeams: 50, summaryCalls: 30, pgbenchWarmup: 3, pgbenchSeconds: 15, pgbenchWriteOnly: true, creators: 500, queueMembers: 200, detailTeams: 200, detailPerTeam: 25 };
if (args.duration > 0) settings.duration = args.duration;
/**
 * The claim race runs for a fixed time like the other loads, over fresh tickets: enough for
 * 2,000 tickets (4,000 claims) a second; a race that used them all up is reported as an error.
 */
const CLAIM_TICKETS_PER_SECOND = 2000;
const racePools = {
  warmup: CLAIM_TICKETS_PER_SECOND * settings.warmup,
  measured: CLAIM_TICKETS_PER_SECOND * settings.duration,
  exact: settings.claimTickets,
};
// The database's ceiling: two busy connections a core (DATABASE_POOL_SIZE 4 a process, one process a core).
const PGBENCH_CLIENTS = availableParallelism() * 4;
const baseUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/minhu_bench';
const databaseUrl = args.quick ? withDatabase(baseUrl, `${databaseOf(baseUrl)}_quick`) : baseUrl;
const RESULTS = join(ROOT, 'bench/results');
const startedAt = performance.now();
const loadgen = new LoadGenerator();
const log = (line: string) => console.log(`[${((performance.now() - startedAt) / 1000).toFixed(1).padStart(5)} s] ${line}`);

const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const kib = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** Signs in every phone once (POST /auth/dev), a few at a time. */
async function signIn(apiUrl: string, phones: string[]): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  const queue = [...new Set(phones)];
  const worker = async () => {
    for (let phone = queue.pop(); phone; phone = queue.pop()) {
      const res = await fetch(`${apiUrl}/api/v1/auth/dev`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone }),
      });
      if (!res.ok) throw new Error(`dev login ${phone}: ${res.status} ${await res.text()}`);
      tokens.set(phone, ((await res.json()) as { accessToken: string }).accessToken);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return tokens;
}

const errorsOf = (p: PhaseResult, expected: (code: string) => boolean = (c) => c.startsWith('2')) => {
  const unexpected = Object.entries(p.statusCodes).filter(([code]) => !expected(code));
  const parts = unexpected.map(([code, n]) => `${n}×${code}`);
  if (p.errors > 0) parts.push(`${p.errors} socket errors`);
  if (p.timeouts > 0) parts.push(`${p.timeouts} timeouts`);
  return { count: unexpected.reduce((n, [, c]) => n + c, 0) + p.errors, text: parts.length > 0 ? parts.join(', ') : '0' };
};

interface Cpu {
  /** CPU per request, in milliseconds: the API process, the PostgreSQL backends serving it, the load generator. */
  apiMs: number;
  postgresMs: number;
  loadgenMs: number;
  /** How much of one core the API process got during the measured phase. */
  apiCores: number;
}
type Measured = LoadResult & { cpu: Cpu; window: [number, number] };

/**
 * A warm-up run, then the measured run, each in a load-generator process of its own; the CPU the
 * API process and its PostgreSQL backends used during the measured run is read from /proc.
 */
async function measureLoad(sql: ReturnType<typeof connect>, api: Server, spec: Omit<LoadSpec, 'scenario'>, warm: Scenario | null, scenario: Scenario): Promise<Measured> {
  const warmup = warm ? (await loadgen.run({ ...spec, durationSeconds: spec.warmupSeconds, warmupSeconds: 0, scenario: warm })).measured : null;
  const backends = await sql<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'minhu-api'`;
  const apiCpu = cpuMeter([api.pid, ...childrenOf(api.pid)]);
  const pgCpu = cpuMeter(backends.map((b) => b.pid));
  const since = (performance.now() - api.spawnedAt) / 1000;
  const { measured } = await loadgen.run({ ...spec, warmupSeconds: 0, scenario });
  const until = (performance.now() - api.spawnedAt) / 1000;
  const n = Math.max(1, measured.requests);
  const apiMs = apiCpu();
  return {
    warmup,
    measured,
    /** Seconds since the server process started: the window to read its CPU profile in. */
    window: [Math.floor(since), Math.ceil(until)],
    cpu: {
      apiMs: apiMs / n,
      postgresMs: pgCpu() / n,
      loadgenMs: measured.loadgenCpuMs / n,
      apiCores: apiMs / 1000 / measured.durationSeconds,
    },
  };
}

async function sequential(calls: { url: string; token: string }[]): Promise<{ p50: number; p99: number; max: number; failures: number }> {
  const times: number[] = [];
  let failures = 0;
  for (const call of calls) {
    const t = performance.now();
    const res = await fetch(call.url, { headers: { authorization: `Bearer ${call.token}` } });
    await res.arrayBuffer();
    times.push(performance.now() - t);
    if (!res.ok) failures++;
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: times.at(-1)!, failures };
}

/** The API, started as the project runs it (WORKERS processes), on the bench database. */
function startApi(url: string, secret: string, workers: number, nodeArgs: string[] = []): Promise<Server> {
  return startServer({
    script: 'apps/api/src/server.ts',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: url,
      JWT_SECRET: secret,
      SEED_DEMO: 'false',
      AUTH_DEV_LOGIN: 'true',
      // The bench measures one sweep itself; the server's timer must not sweep meanwhile.
      SLA_SWEEP_INTERVAL_MS: '86400000',
      ACCESS_TOKEN_TTL_SECONDS: '86400',
      LOG_LEVEL: 'warn',
      WORKERS: String(workers),
      // Rate limits stay on (their counting is part of what is measured), raised for the bench's
      // many residents signing in from one address and filing as fast as the load goes.
      RATE_LIMIT_AUTH_PER_IP: '100000000/1m',
      RATE_LIMIT_LOGIN_PER_PHONE: '100000000/1m',
      RATE_LIMIT_TICKETS_PER_PERSON: '100000000/1m',
      RATE_LIMIT_NOTES_PER_PERSON: '100000000/1m',
    },
    ready: /打开 (http:\/\/\S+)/,
    nodeArgs,
  });
}

interface StatementCount {
  request: string;
  status: number;
  executed: number;
  parsed: number;
}

/**
 * How many SQL statements each kind of request sends (and how many are parsed and planned afresh):
 * a second API process talks to PostgreSQL through a counting proxy; each request is made once to
 * warm up, then once counted. The sweep is counted the same way on a re-armed sweep pool.
 */
async function countStatements(sql: ReturnType<typeof connect>, info: DatasetInfo, secret: string): Promise<StatementCount[]> {
  const counter = await startSqlCounter(databaseUrl);
  const out: StatementCount[] = [];
  try {
    // One process: the warm-up call and the counted call must land on the same connections' cache.
    const api = await startApi(counter.url, secret, 1);
    try {
      const [who] = await sql<{ resident: string; member_a: string; member_b: string; secretary: string; community: string; subdistrict_secretary: string; subdistrict: string }[]>`
        SELECT r.phone AS resident, a.phone AS member_a, b.phone AS member_b, s.phone AS secretary, s.area_id AS community,
               ss.phone AS subdistrict_secretary, ss.area_id AS subdistrict
        FROM bench.residents r
        JOIN bench.compounds k ON k.n = r.compound_n
        JOIN bench.communities c ON c.n = k.comm_n AND NOT c.has_med_team
        JOIN bench.teams t ON t.compound_n = r.compound_n
        JOIN bench.team_people a ON a.team_id = t.id AND a.j = 1
        JOIN bench.team_people b ON b.team_id = t.id AND b.j = 2
        JOIN bench.secretaries s ON s.level = 'community' AND s.n = c.n
        JOIN bench.secretaries ss ON ss.level = 'subdistrict' AND ss.n = c.sub_n
        WHERE cardinality(r.tags) = 0 AND r.k = 7
        LIMIT 1`;
      const tokens = await signIn(api.url, [who!.resident, who!.member_a, who!.member_b, who!.secretary, who!.subdistrict_secretary]);
      const call = async (path: string, phone: string, init: { method?: string; body?: string; key?: boolean } = {}) => {
        const res = await fetch(`${api.url}/api/v1${path}`, {
          method: init.method ?? 'GET',
          headers: {
            authorization: `Bearer ${tokens.get(phone)}`,
            ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(init.key ? { 'idempotency-key': `count-${randomBytes(8).toString('hex')}` } : {}),
          },
          body: init.body,
        });
        return { status: res.status, body: (await res.json()) as { id?: string } };
      };
      const counted = async (request: string, make: () => Promise<{ status: number; body: { id?: string } }>) => {
        await new Promise((r) => setTimeout(r, 50));
        counter.reset();
        const result = await make();
        await new Promise((r) => setTimeout(r, 50));
        out.push({ request, status: result.status, ...counter.counts() });
        return result;
      };
      const body = JSON.stringify({ category: 'medicine', urgency: 'normal', description: '需要降压药', items: [{ name: '硝苯地平缓释片', quantity: 2, unit: '盒' }] });
      const to = info.t0;
      const from = new Date(Date.parse(info.t0) - 30 * 86400_000).toISOString();
      // Warm every path once (connections, type lookups), then count.
      const warm = await call('/tickets', who!.resident, { method: 'POST', body, key: true });
      await call(`/tickets/${warm.body.id}/claim`, who!.member_a, { method: 'POST', body: '{}' });
      await call('/tickets?scope=team&open=true', who!.member_a);
      await call(`/tickets/${warm.body.id}`, who!.member_a);
      await call(`/metrics/summary?areaId=${who!.community}&from=${from}&to=${to}`, who!.secretary);
      await call(`/metrics/summary?areaId=${who!.subdistrict}&from=${from}&to=${to}`, who!.subdistrict_secretary);
      const created = await counted('create ticket', () => call('/tickets', who!.resident, { method: 'POST', body, key: true }));
      await counted('claim (wins)', () => call(`/tickets/${created.body.id}/claim`, who!.member_a, { method: 'POST', body: '{}' }));
      await counted('claim (loses, 409)', () => call(`/tickets/${created.body.id}/claim`, who!.member_b, { method: 'POST', body: '{}' }));
      await counted('team queue', () => call('/tickets?scope=team&open=true', who!.member_a));
      await counted('ticket detail', () => call(`/tickets/${created.body.id}`, who!.member_a));
      await counted('community summary', () => call(`/metrics/summary?areaId=${who!.community}&from=${from}&to=${to}`, who!.secretary));
      await counted('subdistrict summary', () => call(`/metrics/summary?areaId=${who!.subdistrict}&from=${from}&to=${to}`, who!.subdistrict_secretary));
    } finally {
      await api.stop();
    }
    // The sweep: re-arm the pool (this also removes the run's own tickets, now measured), count one sweep.
    await reset(sql, info);
    const sweep = await measureSweep(sql, info, secret, counter.url, () => counter.reset());
    out.push({ request: `overdue sweep (${sweep.escalated} escalations)`, status: 0, ...counter.counts() });
  } finally {
    await counter.close();
  }
  return out;
}

/**
 * One overdue sweep, in this process, on the API's own services (the server runs it on a timer).
 * Warmed up as the other measurements are, and as a server's sweep is after its first minutes: a
 * first sweep of the pool runs the code and plans, the pool comes due again, and the second is
 * measured. `measuring` runs just before it (the statement count starts there).
 */
async function measureSweep(sql: Sql, info: DatasetInfo, secret: string, url = databaseUrl, measuring = () => {}) {
  const config = loadConfig({ DATABASE_URL: url, JWT_SECRET: secret, LOG_LEVEL: 'warn', SLA_SWEEP_INTERVAL_MS: '86400000' }, ROOT);
  const app = await buildApp(config, { background: false });
  try {
    // As in the server, whose sweep timer starts once it listens: the app's start-up work
    // (compiling every route's schemas) must not run during the measured sweep.
    await app.ready();
    const at = new Date(Date.parse(info.t0) + 1000);
    await app.services.sweep.run(at);
    await armSweepPool(sql, info);
    measuring();
    const started = performance.now();
    const result = await app.services.sweep.run(at);
    const elapsed = performance.now() - started;
    return { ms: elapsed, ...result };
  } finally {
    await app.close();
  }
}

async function main() {
  mkdirSync(RESULTS, { recursive: true });
  const params = args.quick ? QUICK : FULL;
  log(`${args.quick ? 'quick' : 'full'} run on ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`);
  const { info, reused } = await ensureDataset(databaseUrl, params, { regenerate: args.regenerate, log: (l) => log(l) });
  log(`${reused ? 'reusing' : 'made'} data set: ${info.counts.tickets?.toLocaleString('en')} tickets, ${info.openTickets} open, t0 ${info.t0}`);
  const sql = connect(databaseUrl, 4);
  const machine = await machineInfo(sql, pgbenchVersion());
  const results: Record<string, unknown> = {};
  const rows: Row[] = [];
  let failedAssertion: string | null = null;
  try {
    const { removedTickets, vacuumMs } = await reset(sql, info);
    log(`reset: removed ${removedTickets} tickets of earlier runs (vacuumed in ${(vacuumMs / 1000).toFixed(1)} s); ${info.sweepPool} sweep-pool tickets come due`);
    const warmed = await prewarm(sql);
    log(`prewarm: read ${(warmed.bytes / 1024 ** 2).toFixed(0)} MiB of tables and indexes into the OS cache in ${(warmed.ms / 1000).toFixed(1)} s`);
    const race = args.steps.has('claim') ? await prepareRace(sql, racePools.warmup + racePools.measured + racePools.exact, settings.raceTeams) : [];
    const people = await choosePeople(sql, settings);
    const secret = randomBytes(32).toString('base64url');

    let framework: PhaseResult | null = null;
    let frameworkCpu: Cpu | undefined;
    const pgbench: Partial<Record<'prepared' | 'extended' | 'write' | 'queue', PgbenchResult>> = {};
    const apiSteps = (['create', 'claim', 'queue', 'detail', 'summary'] as const).filter((s) => args.steps.has(s));
    const load: Record<string, Measured> = {};
    if (apiSteps.length > 0) {
      const profileDir = join(RESULTS, 'profiles');
      if (args.profile) mkdirSync(profileDir, { recursive: true });
      const api = await startApi(databaseUrl, secret, args.workers, args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
      log(`API ready in ${Math.round(api.readyMs)} ms at ${api.url} (pid ${api.pid})`);
      try {
        const phones = [
          ...people.creators,
          ...people.queueMembers,
          ...people.detail.map((d) => d.phone),
          ...people.secretaries.map((s) => s.phone),
          ...race.flatMap((r) => r.phones),
        ];
        const tokens = await signIn(api.url, phones);
        log(`signed in ${tokens.size} people (dev login)`);
        const spec = { url: api.url, connections: settings.connections, warmupSeconds: settings.warmup, durationSeconds: settings.duration };

        if (args.steps.has('create')) {
          log(`create: ${settings.warmup} s warm-up, ${settings.duration} s at ${settings.connections} connections`);
          const create: Scenario = { kind: 'create', tokens: people.creators.map((p) => tokens.get(p)!) };
          load.create = await measureLoad(sql, api, spec, create, create);
          log(`create: ${Math.round(load.create.measured.rps)} req/s, p99 ${load.create.measured.latencyMs.p99} ms`);
        }
        if (args.steps.has('claim')) {
          const attempts = (list: typeof race): ClaimAttempt[] =>
            list.flatMap((r, i) => {
              const [a, b] = i % 2 === 0 ? r.phones : [r.phones[1], r.phones[0]];
              return [
                { ticketId: r.ticketId, token: tokens.get(a)! },
                { ticketId: r.ticketId, token: tokens.get(b)! },
              ];
            });
          const warm = race.slice(0, racePools.warmup);
          const measured = race.slice(racePools.warmup, racePools.warmup + racePools.measured);
          const exact = race.slice(racePools.warmup + racePools.measured);
          log(`claim race: ${settings.warmup} s warm-up, ${settings.duration} s at ${settings.connections} connections, two members a ticket; then a race of exactly ${exact.length} tickets`);
          load.claim = await measureLoad(
            sql,
            api,
            spec,
            { kind: 'claim', attempts: attempts(warm), until: 'duration' },
            { kind: 'claim', attempts: attempts(measured), until: 'duration' },
          );
          const m = load.claim.measured;
          results.claimOutcome = { ...(await raceOutcome(sql, measured.map((r) => r.ticketId))), sent: m.sent, pool: measured.length };
          const exactRun = await loadgen.run({ ...spec, warmupSeconds: 0, scenario: { kind: 'claim', attempts: attempts(exact), until: 'answered' } });
          results.exactRace = { ...(await raceOutcome(sql, exact.map((r) => r.ticketId))), statusCodes: exactRun.measured.statusCodes };
          log(`claim: ${Math.round(m.rps)} claims/s; won ${m.statusCodes['200'] ?? 0}, 409 ${m.statusCodes['409'] ?? 0}; db: ${JSON.stringify(results.claimOutcome)}; exact race: ${JSON.stringify(results.exactRace)}`);
        }
        if (args.steps.has('queue')) {
          const requests: GetRequest[] = people.queueMembers.map((p) => ({ path: '/api/v1/tickets?scope=team&open=true', token: tokens.get(p)! }));
          log(`team queue: ${requests.length} members`);
          load.queue = await measureLoad(sql, api, spec, { kind: 'get', requests }, { kind: 'get', requests });
          log(`queue: ${Math.round(load.queue.measured.rps)} req/s, p99 ${load.queue.measured.latencyMs.p99} ms`);
        }
        if (args.steps.has('detail')) {
          const requests: GetRequest[] = people.detail.map((d) => ({ path: `/api/v1/tickets/${d.ticketId}`, token: tokens.get(d.phone)! }));
          log(`ticket detail: ${requests.length} (member, ticket) pairs`);
          load.detail = await measureLoad(sql, api, spec, { kind: 'get', requests }, { kind: 'get', requests });
          log(`detail: ${Math.round(load.detail.measured.rps)} req/s, p99 ${load.detail.measured.latencyMs.p99} ms`);
        }
        if (args.steps.has('summary')) {
          const to = info.t0;
          const from = new Date(Date.parse(info.t0) - 30 * 86400_000).toISOString();
          for (const level of ['community', 'subdistrict'] as const) {
            const secs = people.secretaries.filter((s) => s.level === level);
            const call = (i: number) => {
              const s = secs[i % secs.length]!;
              return { url: `${api.url}/api/v1/metrics/summary?areaId=${s.areaId}&from=${from}&to=${to}`, token: tokens.get(s.phone)! };
            };
            await sequential(Array.from({ length: 3 }, (_, i) => call(i)));
            results[`summary_${level}`] = await sequential(Array.from({ length: settings.summaryCalls }, (_, i) => call(i)));
            log(`${level} summary: ${JSON.stringify(results[`summary_${level}`])}`);
          }
        }
      } finally {
        const code = await api.stop();
        if (code !== 0) log(`API exited with ${code}: ${api.output().slice(-2000)}`);
      }
      if (args.profile) {
        // The main thread's profile (thread 0); tsx's module-loader thread writes one of its own.
        const newest = readdirSync(profileDir)
          .filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${api.pid}.0.`))
          .map((f) => join(profileDir, f))
          .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
        results.profile = newest;
        log(`API CPU profile: ${newest}`);
        for (const [name, run] of Object.entries(load)) {
          log(`  ${name}: node --import tsx bench/profile-summary.ts ${newest} --from=${run.window[0]} --to=${run.window[1]}`);
        }
      }
    }
    results.load = load;

    // The lockdown backlog: its own API process (after the other loads, whose runs it must not
    // slow), each request against its own pgbench replay in the same run.
    let lockdown: LockdownResult[] = [];
    if (args.steps.has('lockdown')) {
      const api = await startApi(databaseUrl, secret, args.workers);
      try {
        lockdown = await measureLockdown({
          sql,
          info,
          api,
          databaseUrl,
          sizes: args.quick ? [200, 2000] : [1000, 20000],
          signIn: (phones) => signIn(api.url, phones),
          load: (scenario) =>
            measureLoad(sql, api, { url: api.url, connections: settings.connections, warmupSeconds: Math.min(settings.warmup, 3), durationSeconds: Math.min(settings.duration, 10) }, scenario, scenario),
          sequential,
          pgbench: (script) =>
            runPgbench({ url: databaseUrl, clients: PGBENCH_CLIENTS, threads: 1, seconds: Math.min(settings.pgbenchSeconds, 10), warmupSeconds: Math.min(settings.pgbenchWarmup, 2), script, mode: 'prepared' }),
          singleCalls: args.quick ? 50 : 200,
          log,
        });
        results.lockdown = lockdown;
      } finally {
        await api.stop();
      }
      // The backlog goes with the next reset (its tickets are newer than t0); the sweep below must not see it.
      await reset(sql, info);
    }

    // 健康包按户发放 and 力量缺口 over a subdistrict (issue 15), on an API process of its own.
    let rounds: RoundsResult | null = null;
    if (args.steps.has('rounds')) {
      const api = await startApi(databaseUrl, secret, args.workers);
      try {
        rounds = await measureRounds({
          sql,
          apiUrl: api.url,
          signIn: (phones) => signIn(api.url, phones),
          sequential,
          starts: 3,
          progressCalls: args.quick ? 50 : 200,
          deliveries: args.quick ? 500 : 2000,
          log,
        });
        results.rounds = rounds;
      } finally {
        await api.stop();
      }
    }

    if (args.steps.has('sweep')) {
      const sweep = await measureSweep(sql, info, secret);
      results.sweep = sweep;
      log(`sweep: ${sweep.ms.toFixed(1)} ms, escalated ${sweep.escalated} (pool ${info.sweepPool})`);
    }

    if (args.steps.has('ceiling')) {
      const ceiling = await startServer({
        script: 'bench/ceiling-server.ts',
        env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', WORKERS: String(args.workers) },
        ready: /ceiling ready (http:\/\/\S+)/,
      });
      try {
        const constant: Scenario = { kind: 'get', requests: [{ path: '/ceiling', token: 'none' }] };
        const result = await measureLoad(
          sql,
          ceiling,
          { url: ceiling.url, connections: settings.connections, warmupSeconds: settings.warmup, durationSeconds: settings.duration },
          constant,
          constant,
        );
        framework = result.measured;
        frameworkCpu = result.cpu;
        results.framework = result;
        log(`framework ceiling: ${Math.round(framework.rps)} req/s`);
      } finally {
        await ceiling.stop();
      }
    }

    if (args.steps.has('pgbench')) {
      const filers = await preparePgbenchFilers(sql);
      const common = { url: databaseUrl, clients: PGBENCH_CLIENTS, threads: 1, seconds: settings.pgbenchSeconds, warmupSeconds: settings.pgbenchWarmup };
      pgbench.prepared = await runPgbench({ ...common, script: createScript(filers, 'request'), mode: 'prepared' });
      pgbench.extended = await runPgbench({ ...common, script: createScript(filers, 'request'), mode: 'extended' });
      if (settings.pgbenchWriteOnly) {
        pgbench.write = await runPgbench({ ...common, script: createScript(filers, 'write'), mode: 'prepared' });
      }
      const queueTeams = await prepareQueueTeams(sql, people.queueMembers);
      pgbench.queue = await runPgbench({ ...common, script: await queueScript(databaseUrl, queueTeams), mode: 'prepared' });
      results.pgbench = pgbench;
      log(`pgbench: ${Object.entries(pgbench).map(([k, p]) => `${k} ${Math.round(p.tps)} tps`).join(', ')}`);
    }

    if (args.steps.has('sql')) {
      results.statements = await countStatements(sql, info, secret);
      log(`SQL statements per request: ${(results.statements as StatementCount[]).map((c) => `${c.request} ${c.executed}`).join(', ')}`);
    }

    // ---- rows ----------------------------------------------------------------------------
    const ratio = (rps: number, ceiling: { rps: number } | null, of: string) => (ceiling ? { value: rps / ceiling.rps, of } : undefined);
    const fw = framework;
    const db = pgbench.prepared ? { rps: pgbench.prepared.tps } : null;
    if (load.create) {
      const m = load.create.measured;
      const e = errorsOf(m);
      const r = ratio(m.rps, db, 'pgbench');
      rows.push({
        key: 'create',
        label: 'create ticket (auth, validation, routing; ticket, items, events, notifications in one statement)',
        rps: m.rps,
        p50Ms: m.latencyMs.p50,
        p99Ms: m.latencyMs.p99,
        errors: e.text,
        ratio: r,
        budget: '≥ 3,000 req/s, p99 ≤ 50 ms, ≥ 0.5 of pgbench',
        cpu: load.create.cpu,
        pass: e.count === 0 && m.rps >= 3000 && m.latencyMs.p99 <= 50 && (r ? r.value >= 0.5 : false),
      });
    }
    if (load.claim) {
      const m = load.claim.measured;
      const timed = results.claimOutcome as Awaited<ReturnType<typeof raceOutcome>> & { sent: number; pool: number };
      const exact = results.exactRace as Awaited<ReturnType<typeof raceOutcome>> & { statusCodes: Record<string, number> };
      const won = m.statusCodes['200'] ?? 0;
      const lost = m.statusCodes['409'] ?? 0;
      const e = errorsOf(m, (c) => c === '200' || c === '409');
      // The timed race stops with claims in flight: a ticket may be won without its answer counted.
      const exhausted = timed.sent >= 2 * timed.pool;
      const timedOnce = timed.claimEvents === timed.claimed && timed.ticketsWithOneClaim === timed.claimed && won <= timed.claimed && timed.claimed <= won + settings.connections;
      const n = settings.claimTickets;
      const fmt = (x: number) => x.toLocaleString('en');
      const exactOnce = exact.statusCodes['200'] === n && exact.statusCodes['409'] === n && exact.claimed === n && exact.ticketsWithOneClaim === n && exact.claimEvents === n;
      if (!timedOnce || !exactOnce) failedAssertion = 'the claim race did not end with exactly one win per ticket';
      else if (exhausted) failedAssertion = 'the claim race used up its pool of tickets (CLAIM_TICKETS_PER_SECOND in bench/run.ts): not a measurement';
      rows.push({
        key: 'claim',
        label:
          `claim race, two members a ticket: ${fmt(won)} won, ${fmt(lost)} × 409, ${fmt(timed.ticketsWithOneClaim)} tickets claimed once${exhausted ? ' (the pool of tickets ran out: not a measurement)' : ''}; ` +
          `a race of exactly ${fmt(n)} tickets: ${fmt(exact.statusCodes['200'] ?? 0)} won, ${fmt(exact.ticketsWithOneClaim)} claimed once`,
        rps: m.rps,
        p50Ms: m.latencyMs.p50,
        p99Ms: m.latencyMs.p99,
        errors: e.text,
        ratio: ratio(m.rps, fw, 'framework'),
        budget: `exactly ${fmt(n)} of ${fmt(n)} won once, ≥ 2,000 claims/s`,
        cpu: load.claim.cpu,
        pass: timedOnce && exactOnce && !exhausted && e.count === 0 && m.rps >= 2000,
      });
    }
    for (const [key, label] of [
      ['queue', "a member's team queue (open)"],
      ['detail', 'ticket detail + timeline'],
    ] as const) {
      const run = load[key];
      if (!run) continue;
      const m = run.measured;
      const e = errorsOf(m);
      rows.push({
        key,
        label,
        rps: m.rps,
        p50Ms: m.latencyMs.p50,
        p99Ms: m.latencyMs.p99,
        errors: e.text,
        // The queue's own SQL has a ceiling of its own (pgbench): a lower one than the framework's.
        ratio: key === 'queue' && pgbench.queue ? ratio(m.rps, { rps: pgbench.queue.tps }, 'pgbench') : ratio(m.rps, fw, 'framework'),
        budget: '≥ 4,000 req/s, p99 ≤ 30 ms',
        cpu: run.cpu,
        pass: e.count === 0 && m.rps >= 4000 && m.latencyMs.p99 <= 30,
      });
    }
    for (const [level, budget] of [
      ['community', 100],
      ['subdistrict', 300],
    ] as const) {
      const s = results[`summary_${level}`] as Awaited<ReturnType<typeof sequential>> | undefined;
      if (!s) continue;
      rows.push({
        key: `summary_${level}`,
        label: `${level} 30-day summary (${settings.summaryCalls} sequential calls)`,
        p50Ms: s.p50,
        p99Ms: s.p99,
        errors: String(s.failures),
        budget: `p50 ≤ ${budget} ms`,
        pass: s.failures === 0 && s.p50 <= budget,
      });
    }
    if (results.sweep) {
      const s = results.sweep as Awaited<ReturnType<typeof measureSweep>>;
      rows.push({
        key: 'sweep',
        label: `overdue sweep, 1% of open tickets due (${s.escalated} escalations)`,
        value: ms(s.ms),
        budget: '≤ 100 ms',
        pass: s.ms <= 100,
      });
    }
    for (const l of lockdown) {
      const e = errorsOf(l.load.measured);
      const m = l.load.measured;
      const r = ratio(m.rps, { rps: l.pgbench.tps }, 'pgbench');
      const paged = l.key === 'first' || l.key === 'deep';
      const small = lockdown.find((x) => x.key === l.key && x.open < l.open);
      const steady = small ? m.rps / small.load.measured.rps : null;
      rows.push({
        key: `lockdown_${l.key}_${l.open}`,
        label: `lockdown backlog, ${l.open.toLocaleString('en')} open in one team: ${l.label} (one client: p99 ${l.single.p99.toFixed(1)} ms; pgbench ${Math.round(l.pgbench.tps).toLocaleString('en')} tps${steady === null ? '' : `; ${steady.toFixed(2)} of the rate at ${small!.open.toLocaleString('en')}`})`,
        rps: m.rps,
        p50Ms: m.latencyMs.p50,
        p99Ms: m.latencyMs.p99,
        errors: e.text,
        ratio: r,
        cpu: l.load.cpu,
        budget: paged ? 'one client p99 ≤ 30 ms, ≥ 0.6 of pgbench, ≥ 0.67 of the rate at 1,000' : undefined,
        pass: paged ? e.count === 0 && l.single.p99 <= 30 && (r?.value ?? 0) >= 0.6 && (steady === null || steady >= 1 / 1.5) : null,
      });
    }
    if (rounds) {
      const r = rounds;
      const sorted = [...r.startMs].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)]!;
      rows.push({
        key: 'round_start',
        label: `健康包 round over a subdistrict: ${r.households.toLocaleString('en')} households in one request (${r.startMs.length} rounds: ${r.startMs.map((x) => Math.round(x)).join(', ')} ms)`,
        value: ms(median),
        budget: '≤ 2 s',
        pass: median <= 2000,
      });
      rows.push({
        key: 'round_progress',
        label: `round progress, GET /distributions/:id (${r.households.toLocaleString('en')} lines, sequential calls)`,
        p50Ms: r.progress.p50,
        p99Ms: r.progress.p99,
        errors: String(r.progress.failures),
        budget: 'p99 ≤ 50 ms',
        pass: r.progress.failures === 0 && r.progress.p99 <= 50,
      });
      const d = r.deliveries;
      const exact = d.created === d.sent && d.deliveredInDb === d.sent && d.doubled === 0;
      rows.push({
        key: 'round_deliveries',
        label: `50 members recording distinct doors at once: ${d.sent} sent, ${d.created} × 201, ${d.deliveredInDb} delivered in the database, ${d.doubled} doubled`,
        rps: d.perSecond,
        errors: String(d.sent - d.created),
        budget: '≥ 1,000/s, none lost or doubled',
        pass: exact && d.perSecond >= 1000,
      });
      rows.push({
        key: 'staffing',
        label: `力量缺口 for a subdistrict, GET /metrics/staffing (${r.staffingRows} teams, 30 sequential calls)`,
        p50Ms: r.staffing.p50,
        p99Ms: r.staffing.p99,
        errors: String(r.staffing.failures),
        budget: 'p50 ≤ 100 ms',
        pass: r.staffing.failures === 0 && r.staffing.p50 <= 100,
      });
    }
    if (fw) {
      rows.push({ key: 'framework', label: 'ceiling: constant-JSON Fastify route', rps: fw.rps, p50Ms: fw.latencyMs.p50, p99Ms: fw.latencyMs.p99, errors: errorsOf(fw).text, pass: null, cpu: frameworkCpu });
    }
    if (pgbench.prepared) {
      for (const [key, label] of [
        ['prepared', `ceiling: pgbench replaying a create request's ${CREATE_STATEMENTS.total} statements, ${PGBENCH_CLIENTS} clients, prepared`],
        ['extended', `pgbench, the same SQL unprepared (-M extended: parsed and planned every time)`],
        ['write', `pgbench, only the creating write (${CREATE_STATEMENTS.write} statement), prepared`],
        ['queue', `ceiling: pgbench replaying the team queue's statement (20 tickets + 1), ${PGBENCH_CLIENTS} clients, prepared`],
      ] as const) {
        const p = pgbench[key];
        if (!p) continue;
        rows.push({ key: `pgbench_${key}`, label, rps: p.tps, p50Ms: p.latencyMs.p50, p99Ms: p.latencyMs.p99, errors: String(p.failed), pass: null });
      }
    }

    if (args.steps.has('sizes')) {
      if (args.build) buildMiniapp();
      const weapp = weappSize();
      const h5 = h5FirstLoad();
      results.weapp = weapp;
      results.h5 = h5;
      if ('missing' in weapp) rows.push({ key: 'weapp', label: 'weapp main package', value: 'not built', notes: weapp.missing, pass: null });
      else rows.push({ key: 'weapp', label: `weapp main package (built ${weapp.builtAt.slice(0, 16).replace('T', ' ')})`, value: kib(weapp.mainBytes), budget: '≤ 600 KB', pass: weapp.mainBytes <= 600 * 1024 });
      if ('missing' in h5) rows.push({ key: 'h5', label: 'H5 first load, gzipped', value: 'not built', notes: h5.missing, pass: null });
      else rows.push({ key: 'h5', label: `H5 first load, gzipped (${h5.files.length} files, ${kib(h5.bytes)} raw)`, value: kib(h5.gzipBytes), pass: null });
    }
    if (args.steps.has('lighthouse')) {
      if (args.build && !args.steps.has('sizes')) buildMiniapp();
      const audits = await auditFirstScreens(log);
      results.lighthouse = audits;
      if ('missing' in audits) rows.push({ key: 'lighthouse', label: 'Lighthouse, mobile slow 4G', value: 'not run', notes: audits.missing, pass: null });
      else
        for (const a of audits) {
          const key = a.page.replace(/\W+/g, '_');
          rows.push({ key: `lcp_${key}`, label: `H5 ${a.page}: LCP, Lighthouse 12 mobile slow 4G, cold cache (FCP ${(a.fcpMs / 1000).toFixed(2)} s, TBT ${Math.round(a.tbtMs)} ms)`, value: `${(a.lcpMs / 1000).toFixed(2)} s`, budget: '≤ 2.5 s', pass: a.lcpMs <= 2500 });
          rows.push({ key: `js_${key}`, label: `H5 ${a.page}: JavaScript sent on first load, compressed (${a.scriptFiles} files)`, value: kib(a.scriptBytes), budget: '≤ 200 KB', pass: a.scriptBytes <= 200 * 1024 });
        }
    }
    if (args.steps.has('coldstart')) {
      const cold = await coldStart();
      results.coldStart = cold;
      log(`embedded cold start: ${Math.round(cold.readyMs)} ms, peak ${Math.round(cold.peakRssBytes / 1024 ** 2)} MiB`);
      rows.push({ key: 'coldstart', label: 'embedded demo cold start (fresh DATA_DIR: create, migrate, seed)', value: `${(cold.readyMs / 1000).toFixed(1)} s`, budget: '≤ 10 s', pass: cold.readyMs <= 10_000 });
      rows.push({ key: 'coldstart_memory', label: 'embedded demo peak memory (VmHWM)', value: `${Math.round(cold.peakRssBytes / 1024 ** 2)} MiB`, budget: '≤ 1 GB', pass: cold.peakRssBytes <= 1024 ** 3 });
    }
  } finally {
    loadgen.stop();
    await sql.end();
  }

  machine.loadAverageAtEnd = loadavg().map((n) => Math.round(n * 100) / 100);
  const title = `${args.quick ? 'Quick run' : 'Full run'}: ${info.tickets.toLocaleString('en')} tickets, ${settings.connections} connections, ${args.workers} API process${args.workers > 1 ? 'es' : ''}, ${settings.warmup} s warm-up + ${settings.duration} s per load`;
  const table = markdownTable(rows);
  const statements = results.statements as StatementCount[] | undefined;
  const statementTable = statements
    ? `\n\nSQL statements per request (counted by a proxy in front of PostgreSQL, each request made once on a fresh connection; "parsed": statements sent with a Parse, i.e. prepared there and then, or unprepared):\n\n| request | statements | parsed |\n|---|--:|--:|\n${statements
        .map((c) => `| ${c.request} | ${c.executed} | ${c.parsed} |`)
        .join('\n')}`
    : '';
  const markdown = `${title}.\n\n${table}${statementTable}\n\nMachine: ${machineLine(machine)}.\n`;
  const durationSeconds = Math.round((performance.now() - startedAt) / 100) / 10;
  const json = { mode: args.quick ? 'quick' : 'full', machine, dataset: { ...info, reused }, settings: { ...settings, workers: args.workers }, rows, results, durationSeconds };
  const suffix = args.partial ? '-partial' : args.quick ? '-quick' : '';
  writeFileSync(join(RESULTS, `latest${suffix}.json`), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(RESULTS, `latest${suffix}.md`), markdown);
  console.log(`\n${markdown}`);
  if (!args.quick && args.readme) log(updateReadme(markdown) ? 'README.md: Performance table updated' : 'README.md has no bench markers: not updated');
  log(`done in ${durationSeconds} s; results in bench/results/latest${suffix}.{json,md}`);
  const missed = rows.filter((r) => r.pass === false).length;
  if (failedAssertion) {
    console.error(failedAssertion);
    process.exit(1);
  }
  if (args.strict && missed > 0) process.exit(1);
}

// Exits when done: a full run's counting proxy can leave an idle pooled socket open, which would
// keep the process alive after the results are written.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
