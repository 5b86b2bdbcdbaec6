/**
 * The load generator: runs in its own process (never the API's) and drives autocannon
 * programmatically; the bench forks it once and sends it one spec per run.
 *
 * Scenarios:
 * - get:    GET paths (each with its own bearer token), cycled across all connections;
 * - create: POST /api/v1/tickets with a fresh Idempotency-Key and a realistic body per request,
 *           filed by rotating residents;
 * - claim:  the claim race: for each ticket, two members' claims are sent back to back on
 *           different connections; either for a fixed time (the pool must outlast it: the result
 *           says how many claims were sent) or until every claim is answered.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface GetRequest {
  path: string;
  token: string;
}

export interface ClaimAttempt {
  ticketId: string;
  token: string;
}

export type Scenario =
  | { kind: 'get'; requests: GetRequest[] }
  | { kind: 'create'; tokens: string[] }
  | { kind: 'claim'; attempts: ClaimAttempt[]; until: 'duration' | 'answered' };

export interface LoadSpec {
  url: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  scenario: Scenario;
}

export interface PhaseResult {
  /** CPU the load generator itself used in this phase, in milliseconds. */
  loadgenCpuMs: number;
  /** Requests made (set up), answered or not: a claim race reached the first sent / 2 tickets. */
  sent: number;
  requests: number;
  durationSeconds: number;
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  statusCodes: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface LoadResult {
  warmup: PhaseResult | null;
  measured: PhaseResult;
}

const CATEGORY_MIX: [string, number][] = [
  ['medicine', 0.45],
  ['supplies', 0.3],
  ['medical', 0.15],
  ['help', 0.1],
];
const URGENCY_MIX: [string, number][] = [
  ['normal', 0.8],
  ['urgent', 0.15],
  ['emergency', 0.05],
];
const DESCRIPTIONS: Record<string, string[]> = {
  medicine: ['需要降压药，老人行动不便', '帮忙买胰岛素', '常用药快吃完了，请帮忙代购'],
  supplies: ['家里米面油不够了', '需要买菜和鸡蛋', '帮忙送桶装水'],
  medical: ['需要陪同去医院复查', '透析需要车辆接送', '需要上门测血压血糖'],
  help: ['家里水管漏水', '帮忙缴纳水电费', '独居老人需要上门看看'],
};
const ITEMS: Record<string, { name: string; unit: string }[]> = {
  medicine: [
    { name: '硝苯地平缓释片', unit: '盒' },
    { name: '二甲双胍片', unit: '盒' },
    { name: '胰岛素注射液', unit: '支' },
  ],
  supplies: [
    { name: '大米', unit: '袋' },
    { name: '鸡蛋', unit: '斤' },
    { name: '桶装水', unit: '桶' },
  ],
};

function pick(mix: [string, number][], r: number): string {
  let acc = 0;
  for (const [value, p] of mix) {
    acc += p;
    if (r < acc) return value;
  }
  return mix[mix.length - 1]![0];
}

/** A resident's form as the mini-program sends it. */
export function ticketBody(n: number): string {
  const category = pick(CATEGORY_MIX, Math.random());
  const urgency = pick(URGENCY_MIX, Math.random());
  const descriptions = DESCRIPTIONS[category]!;
  const body: Record<string, unknown> = { category, urgency, description: descriptions[n % descriptions.length] };
  const items = ITEMS[category];
  if (items) {
    const count = 1 + (n % 3);
    body.items = Array.from({ length: count }, (_, i) => ({ ...items[(n + i) % items.length]!, quantity: 1 + ((n + i) % 3) }));
  }
  return JSON.stringify(body);
}

type AutocannonRequest = { method?: string; path?: string; headers?: Record<string, string>; body?: string };

/** A request list of one entry whose setup draws the next request from a shared counter. */
function requestsFor(scenario: Scenario, counter: { n: number }): autocannon.Request[] {
  const next = () => counter.n++;
  const prefix = `bench-${process.pid}-${Date.now().toString(36)}`;
  switch (scenario.kind) {
    case 'get': {
      const list = scenario.requests;
      return [
        {
          method: 'GET',
          setupRequest: (req: AutocannonRequest) => {
            const r = list[next() % list.length]!;
            return { ...req, method: 'GET', path: r.path, headers: { authorization: `Bearer ${r.token}` } };
          },
        } as autocannon.Request,
      ];
    }
    case 'create': {
      const tokens = scenario.tokens;
      return [
        {
          method: 'POST',
          setupRequest: (req: AutocannonRequest) => {
            const i = next();
            return {
              ...req,
              method: 'POST',
              path: '/api/v1/tickets',
              headers: {
                authorization: `Bearer ${tokens[i % tokens.length]}`,
                'content-type': 'application/json',
                'idempotency-key': `${prefix}-${i}`,
              },
              body: ticketBody(i),
            };
          },
        } as autocannon.Request,
      ];
    }
    case 'claim': {
      const list = scenario.attempts;
      return [
        {
          method: 'POST',
          setupRequest: (req: AutocannonRequest) => {
            const a = list[next() % list.length]!;
            return {
              ...req,
              method: 'POST',
              path: `/api/v1/tickets/${a.ticketId}/claim`,
              headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' },
              body: '{}',
            };
          },
        } as autocannon.Request,
      ];
    }
  }
}

async function phase(spec: LoadSpec, seconds: number): Promise<PhaseResult> {
  const { scenario } = spec;
  const amount = scenario.kind === 'claim' && scenario.until === 'answered' ? scenario.attempts.length : null;
  const counter = { n: 0 };
  const options: autocannon.Options = {
    url: spec.url,
    connections: amount === null ? spec.connections : Math.min(spec.connections, amount),
    pipelining: 1,
    timeout: 30,
    requests: requestsFor(scenario, counter),
    ...(amount === null ? { duration: seconds } : { amount }),
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  const instance = autocannon(options);
  // autocannon reports only at its next sample tick (every second): a fixed amount's run ends
  // with its last response, not with the tick that follows it.
  let lastResponse = started;
  instance.on('response', () => {
    lastResponse = performance.now();
  });
  const result = await instance;
  const used = process.cpuUsage(cpu);
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = count;
  const requests = result.requests.total;
  // A fixed amount is timed to its last response; a fixed duration is the duration.
  const durationSeconds = amount === null ? result.duration : (lastResponse - started) / 1000;
  return {
    loadgenCpuMs: (used.user + used.system) / 1000,
    sent: counter.n,
    requests,
    durationSeconds,
    rps: requests / durationSeconds,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.average,
    },
    statusCodes,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const warmup = spec.warmupSeconds > 0 ? await phase(spec, spec.warmupSeconds) : null;
  const measured = await phase(spec, spec.durationSeconds);
  return { warmup, measured };
}

// Forked by the bench (IPC): one process for all runs, each spec a message, each result a reply.
// Run by hand: `node --import tsx bench/loadgen.ts spec.json` prints the result as one JSON line.
if (process.send) {
  process.on('message', (spec: LoadSpec) => {
    run(spec).then(
      (result) => process.send!({ ok: true, result }),
      (error: unknown) => process.send!({ ok: false, error: String(error instanceof Error ? error.stack : error) }),
    );
  });
} else {
  run(JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadSpec).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
