import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function pgbenchBinary(): string | null {
  const onPath = spawnSync('pgbench', ['--version'], { encoding: 'utf8' });
  if (onPath.status === 0) return 'pgbench';
  for (const version of ['17', '16', '15', '14']) {
    const candidate = `/usr/lib/postgresql/${version}/bin/pgbench`;
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export function pgbenchVersion(): string | null {
  const binary = pgbenchBinary();
  if (!binary) return null;
  return spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

export interface PgbenchResult {
  mode: 'prepared' | 'extended';
  clients: number;
  seconds: number;
  transactions: number;
  tps: number;
  latencyMs: { p50: number; p99: number; mean: number };
  failed: number;
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);

function args(url: string) {
  const u = new URL(url);
  return [
    '-h', u.hostname,
    '-p', u.port || '5432',
    '-U', decodeURIComponent(u.username || 'postgres'),
    decodeURIComponent(u.pathname.replace(/^\//, '')),
  ];
}

function run(binary: string, argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(binary, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

/**
 * Replays a custom script with pgbench (prepared statements, like postgres.js), after a warm-up,
 * and reads each transaction's latency from pgbench's per-transaction log.
 */
export async function runPgbench(options: {
  url: string;
  script: string;
  clients: number;
  threads: number;
  seconds: number;
  warmupSeconds: number;
  /** prepared: parse and plan once per connection; extended: every time, like unnamed statements. */
  mode: 'prepared' | 'extended';
}): Promise<PgbenchResult> {
  const binary = pgbenchBinary();
  if (!binary) throw new Error('pgbench not found (Debian: apt-get install postgresql)');
  const dir = mkdtempSync(join(tmpdir(), 'minhu-pgbench-'));
  const scriptFile = join(dir, 'script.sql');
  writeFileSync(scriptFile, options.script);
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(new URL(options.url).password || '') };
  const common = ['-n', '-M', options.mode, '-c', String(options.clients), '-j', String(options.threads), '-f', scriptFile];
  try {
    if (options.warmupSeconds > 0) {
      const warm = await run(binary, [...common, '-T', String(options.warmupSeconds), ...args(options.url)], env);
      if (warm.code !== 0) throw new Error(`pgbench warm-up failed: ${warm.err || warm.out}`);
    }
    const measured = await run(
      binary,
      [...common, '-T', String(options.seconds), '--log', `--log-prefix=${join(dir, 'tx')}`, ...args(options.url)],
      env,
    );
    if (measured.code !== 0) throw new Error(`pgbench failed: ${measured.err || measured.out}`);
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(measured.out)?.[1] ?? NaN);
    const transactions = Number(/number of transactions actually processed: (\d+)/.exec(measured.out)?.[1] ?? NaN);
    const failed = Number(/number of failed transactions: (\d+)/.exec(measured.out)?.[1] ?? 0);
    const latencies: number[] = [];
    for (const file of readdirSync(dir).filter((f) => f.startsWith('tx'))) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
        const fields = line.split(' ');
        if (fields.length >= 3) latencies.push(Number(fields[2]) / 1000);
      }
    }
    latencies.sort((a, b) => a - b);
    return {
      mode: options.mode,
      clients: options.clients,
      seconds: options.seconds,
      transactions,
      tps,
      latencyMs: {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
      },
      failed,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
