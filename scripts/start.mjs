// `npm start`: builds the mini-program's H5 pages when they are missing or older than their
// sources, then starts the API, which serves them at / and prints the URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const built = join(root, 'apps/miniapp/dist/h5/index.html');
const sources = ['apps/miniapp/src', 'apps/miniapp/config', 'packages/domain/src'].map((dir) => join(root, dir));

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const stale = !existsSync(built) || sources.some((dir) => newest(dir) > statSync(built).mtimeMs);
if (stale && process.env.SKIP_H5_BUILD !== 'true') {
  console.log('正在构建小程序的 H5 页面 (首次约 1 分钟)…');
  const build = spawnSync('npm', ['run', 'build:h5', '--silent'], { cwd: root, stdio: 'inherit', env: { ...process.env, CI: 'true' } });
  if (build.status !== 0) {
    console.error('H5 页面构建失败，见上面的错误。API 仍可单独启动：node --import tsx apps/api/src/server.ts');
    process.exit(build.status ?? 1);
  }
}

const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/api/src/server.ts')], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
