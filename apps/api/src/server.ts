import { buildApp, openDatabase } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { seedDemoIfEmpty } from './demo/demo-seed.js';
import { DataDirLockedError } from '@minhu/db';

/** Starts the API: listens, prints where, and closes cleanly on SIGINT/SIGTERM. */
async function main() {
  const startedAt = performance.now();
  const config = loadConfig();
  if (config.production && config.devLogin) {
    console.warn('警告：生产环境开启了演示登录 (AUTH_DEV_LOGIN=true)，任何人都可以用手机号直接登录。');
  }
  const handle = await openDatabase(config);
  const app = await buildApp(config, { handle });
  app.addHook('onClose', async () => handle.close());
  if (config.seedDemo && (await seedDemoIfEmpty(handle, app.services))) {
    console.log('已载入演示数据 (演示账号见 /api/v1/auth/dev/accounts)。');
  }

  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (closing) return;
      closing = true;
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    });
  }

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  const database = config.databaseUrl ? 'PostgreSQL' : `内置 PGlite (${config.dataDir})`;
  console.log(`民呼我行已启动 (${Math.round(performance.now() - startedAt)} ms)，数据库：${database}`);
  console.log(`  打开 ${url}/`);
  console.log(`  接口 ${url}/api/v1  (文档 ${url}/api/v1/openapi.json)`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(`无法启动：${error.message}`);
  } else {
    console.error('无法启动：', error);
  }
  process.exit(1);
});
