// Builds the mini-program's H5 pages when they are missing or older than their sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
export const H5_INDEX = join(root, 'apps/miniapp/dist/h5/index.html');
const SOURCES = ['apps/miniapp/src', 'apps/miniapp/config', 'packages/domain/src', 'packages/contracts/src'].map((dir) => join(root, dir));

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

export function h5BuildIsStale() {
  return !existsSync(H5_INDEX) || SOURCES.some((dir) => newest(dir) > statSync(H5_INDEX).mtimeMs);
}

/** Returns true when the build is there and current (building it if needed). */
export function ensureH5Build() {
  if (!h5BuildIsStale()) return true;
  console.log('正在构建小程序的 H5 页面 (约 1 分钟)…');
  const build = spawnSync('npm', ['run', 'build:h5', '--silent'], { cwd: root, stdio: 'inherit', env: { ...process.env, CI: 'true', NODE_ENV: 'production' } });
  return build.status === 0;
}
