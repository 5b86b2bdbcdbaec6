import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { peakRss, ROOT, startServer } from './processes.js';

export interface WeappSize {
  mainBytes: number;
  budgetBytes: number;
  totalBytes: number;
  ok: boolean;
  builtAt: string;
  errors: string[];
}

/** The WeChat build's main package, as the project's own check measures it (needs `npm run build:weapp`). */
export function weappSize(): WeappSize | { missing: string } {
  const dist = join(ROOT, 'apps/miniapp/dist/weapp');
  if (!existsSync(join(dist, 'app.json'))) return { missing: 'no apps/miniapp/dist/weapp: run `npm run build:weapp` (or the bench with --build)' };
  const run = spawnSync(process.execPath, ['apps/miniapp/scripts/check-weapp.mjs', 'apps/miniapp/dist/weapp', '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const text = run.stdout ?? '';
  const report = JSON.parse(text.slice(text.indexOf('{')) || '{}') as {
    ok?: boolean;
    budget?: number;
    main?: number;
    total?: number;
    errors?: string[];
  };
  if (typeof report.main !== 'number') return { missing: `check:weapp gave no sizes (${run.status}): ${run.stderr.slice(-500)}` };
  return {
    mainBytes: report.main,
    budgetBytes: report.budget ?? 600 * 1024,
    totalBytes: report.total ?? report.main,
    ok: Boolean(report.ok),
    builtAt: statSync(join(dist, 'app.json')).mtime.toISOString(),
    errors: report.errors ?? [],
  };
}

export interface H5Size {
  files: { path: string; bytes: number; gzipBytes: number }[];
  bytes: number;
  gzipBytes: number;
  builtAt: string;
}

/**
 * What a browser fetches before the first screen: index.html and the scripts and stylesheets it
 * references, each gzipped on its own (zlib level 6, what a server would send).
 */
export function h5FirstLoad(): H5Size | { missing: string } {
  const dist = join(ROOT, 'apps/miniapp/dist/h5');
  const indexPath = join(dist, 'index.html');
  if (!existsSync(indexPath)) return { missing: 'no apps/miniapp/dist/h5: run `npm run build:h5` (or the bench with --build)' };
  const html = readFileSync(indexPath, 'utf8');
  const refs = new Set<string>(['index.html']);
  for (const match of html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)) refs.add(match[1]!);
  for (const match of html.matchAll(/<link[^>]*\bhref="([^"]+\.css)"/g)) refs.add(match[1]!);
  const files = [...refs]
    .filter((ref) => !/^(https?:)?\/\//.test(ref))
    .map((ref) => {
      const path = ref.replace(/^\.?\//, '').split(/[?#]/)[0]!;
      const bytes = readFileSync(join(dist, path));
      return { path, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 6 }).length };
    });
  return {
    files,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    gzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0),
    builtAt: statSync(indexPath).mtime.toISOString(),
  };
}

export interface ColdStart {
  readyMs: number;
  peakRssBytes: number;
}

/**
 * The embedded demo from nothing: a fresh DATA_DIR, no DATABASE_URL (PGlite created, migrated,
 * demo data seeded), timed from spawn to the "打开 http://…" line; peak memory is the process's
 * VmHWM once it is ready.
 */
export async function coldStart(): Promise<ColdStart> {
  const dataDir = mkdtempSync(join(tmpdir(), 'minhu-bench-cold-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' };
  try {
    const server = await startServer({ script: 'apps/api/src/server.ts', env, ready: /打开 (http:\/\/\S+)/, timeoutMs: 120_000 });
    const atReady = server.peakRss() ?? 0;
    await new Promise((r) => setTimeout(r, 500));
    const peak = Math.max(atReady, peakRss(server.pid) ?? 0);
    await server.stop();
    return { readyMs: server.readyMs, peakRssBytes: peak };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Builds the mini-program (only with --build: a Taro build takes a minute or two). */
export function buildMiniapp(): void {
  for (const script of ['build:h5', 'build:weapp']) {
    const run = spawnSync('npm', ['run', '-s', script], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CI: 'true' } });
    if (run.status !== 0) throw new Error(`npm run ${script} failed`);
  }
}
