// `npm start`: builds the mini-program's H5 pages when they are missing or older than their
// sources, then starts the API, which serves them at / and prints the URL.
import { spawn } from 'node:child_process';
import { ensureH5Build } from './h5-build.mjs';

if (process.env.SKIP_H5_BUILD !== 'true' && !ensureH5Build()) {
  console.error('H5 页面构建失败，见上面的错误。API 仍可单独启动：node --import tsx apps/api/src/server.ts');
  process.exit(1);
}

const server = spawn(process.execPath, ['--import', 'tsx', new URL('../apps/api/src/server.ts', import.meta.url).pathname], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
