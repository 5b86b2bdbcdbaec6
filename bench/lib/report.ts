import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { first, type Sql } from './db.js';
import { ROOT } from './processes.js';

/** One line of the results table. */
export interface Row {
  key: string;
  label: string;
  /** Throughput, when it is a load run. */
  rps?: number;
  p50Ms?: number;
  p99Ms?: number;
  /** A single figure (sizes, times), printed in the value column with its unit. */
  value?: string;
  /** Errors and non-2xx answers (or anything else that went wrong), with what they were. */
  errors?: string;
  /** Throughput ÷ the relevant ceiling's, with the ceiling's name. */
  ratio?: { value: number; of: string };
  budget?: string;
  /** null: no budget for this row. */
  pass: boolean | null;
  notes?: string;
  /** CPU per request (ms) of the API process, its PostgreSQL backends and the load generator. */
  cpu?: { apiMs: number; postgresMs: number; loadgenMs: number; apiCores: number };
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  postgres: string;
  pgbench: string | null;
  autocannon: string;
  fastify: string;
  postgresSettings: Record<string, string>;
  gitCommit: string;
  gitDirty: boolean;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
  date: string;
}

const version = (pkg: string) => {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

export async function machineInfo(sql: Sql, pgbench: string | null): Promise<Machine> {
  const { version: pg } = first(await sql<{ version: string }[]>`SELECT version()`);
  const settings = await sql<{ name: string; setting: string; unit: string | null }[]>`
    SELECT name, setting, unit FROM pg_settings
    WHERE name IN ('shared_buffers', 'work_mem', 'max_connections', 'synchronous_commit', 'fsync', 'effective_cache_size', 'jit', 'random_page_cost')`;
  const git = (cmd: string) => {
    try {
      return execSync(cmd, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: release(),
    node: process.version,
    postgres: pg.split(' on ')[0]!,
    pgbench,
    autocannon: version('autocannon'),
    fastify: version('fastify'),
    postgresSettings: Object.fromEntries(settings.map((s) => [s.name, s.unit ? `${s.setting} × ${s.unit}` : s.setting])),
    gitCommit: git('git rev-parse --short HEAD'),
    gitDirty: git('git status --porcelain').length > 0,
    loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
    date: new Date().toISOString(),
  };
}

const f0 = (n: number) => Math.round(n).toLocaleString('en');
const f1 = (n: number) => (n >= 100 ? f0(n) : n.toFixed(1));

export function markdownTable(rows: Row[]): string {
  const lines = [
    '| measurement | req/s | p50 ms | p99 ms | errors | vs ceiling | budget | result |',
    '|---|--:|--:|--:|--:|--:|---|:-:|',
  ];
  for (const r of rows) {
    const rps = r.rps !== undefined ? f0(r.rps) : (r.value ?? '');
    lines.push(
      `| ${r.label} | ${rps} | ${r.p50Ms !== undefined ? f1(r.p50Ms) : ''} | ${r.p99Ms !== undefined ? f1(r.p99Ms) : ''} | ${r.errors ?? ''} | ${
        r.ratio ? `${r.ratio.value.toFixed(2)} of ${r.ratio.of}` : ''
      } | ${r.budget ?? ''} | ${r.pass === null ? '—' : r.pass ? 'pass' : '**miss**'} |`,
    );
  }
  const withCpu = rows.filter((r) => r.cpu);
  if (withCpu.length > 0) {
    lines.push(
      '',
      'CPU per request during the measured runs (from /proc; the three share the same 2 cores):',
      '',
      '| measurement | API ms | PostgreSQL backends ms | load generator ms | API, cores busy |',
      '|---|--:|--:|--:|--:|',
    );
    for (const r of withCpu) {
      const c = r.cpu!;
      lines.push(`| ${r.key} | ${c.apiMs.toFixed(2)} | ${c.postgresMs.toFixed(2)} | ${c.loadgenMs.toFixed(2)} | ${c.apiCores.toFixed(2)} |`);
    }
  }
  return lines.join('\n');
}

export function machineLine(m: Machine): string {
  return (
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node}; ${m.postgres} (shared_buffers ${m.postgresSettings.shared_buffers ?? '?'}); ` +
    `autocannon ${m.autocannon}, fastify ${m.fastify}; commit ${m.gitCommit}${m.gitDirty ? ' + uncommitted changes' : ''}; ` +
    `load average at start ${m.loadAverageAtStart.join(' / ')}; ${m.date.slice(0, 16).replace('T', ' ')} UTC`
  );
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** Replaces the table between the markers in README.md's "## Performance" section. */
export function updateReadme(markdown: string): boolean {
  const path = join(ROOT, 'README.md');
  if (!existsSync(path)) return false;
  const readme = readFileSync(path, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1 || end < start) return false;
  writeFileSync(path, `${readme.slice(0, start + START.length)}\n${markdown}\n${readme.slice(end)}`);
  return true;
}
