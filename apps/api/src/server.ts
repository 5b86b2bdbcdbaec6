import cluster, { type Worker } from 'node:cluster';
import { buildApp, openDatabase } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { seedDemoIfEmpty } from './demo/demo-seed.js';
import { DataDirLockedError } from '@minhu/db';

/**
 * Starts the API: listens, prints where, and closes cleanly on SIGINT/SIGTERM. With WORKERS=n
 * (PostgreSQL only) it starts n API processes sharing the port, one per core: one Node process
 * uses one core.
 */
async function main() {
  const startedAt = performance.now();
  const config = loadConfig();
  if (config.workers > 1 && cluster.isPrimary) return supervise(config, startedAt);

  if (cluster.isPrimary) warnAboutDevLogin(config);
  const handle = await openDatabase(config);
  const app = await buildApp(config, { handle });
  app.addHook('onClose', async () => handle.close());
  // Workers never seed: their supervisor did before starting them.
  if (cluster.isPrimary && config.seedDemo && (await seedDemoIfEmpty(handle, app.services))) {
    console.log('已载入演示数据 (演示账号见 /api/v1/auth/dev/accounts)。');
  }
  onStopSignal(() => app.close());

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (cluster.isWorker) {
    process.send!({ listening: port });
    return;
  }
  announce(config, port, startedAt);
}

/**
 * The supervisor: migrates and seeds once, then starts the workers (each migrates too, which
 * finds nothing to do), prints the address when all listen, replaces a worker that dies, and on
 * SIGINT/SIGTERM stops them all.
 */
async function supervise(config: Config, startedAt: number) {
  warnAboutDevLogin(config);
  const handle = await openDatabase(config);
  if (config.seedDemo) {
    const app = await buildApp(config, { handle });
    if (await seedDemoIfEmpty(handle, app.services)) console.log('已载入演示数据 (演示账号见 /api/v1/auth/dev/accounts)。');
    await app.close();
  }
  await handle.close();

  let stopping = false;
  const start = () => cluster.fork();
  const listening = new Promise<number>((resolve, reject) => {
    let ready = 0;
    cluster.on('message', (_worker: Worker, message: { listening?: number }) => {
      if (typeof message.listening === 'number' && ++ready === config.workers) resolve(message.listening);
    });
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return;
      if (ready < config.workers) {
        reject(new Error(`API 进程 ${worker.process.pid} 启动失败 (${signal ?? code})`));
        return;
      }
      console.error(`API 进程 ${worker.process.pid} 意外退出 (${signal ?? code})，正在重启。`);
      start();
    });
  });
  onStopSignal(async () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(workers.map((w) => new Promise((resolve) => (w.once('exit', resolve), w.kill('SIGTERM')))));
  });
  for (let i = 0; i < config.workers; i++) start();
  announce(config, await listening, startedAt);
}

/** Said at every start while the dev login is on in production (loadConfig refuses it without AUTH_DEV_LOGIN_I_UNDERSTAND). */
function warnAboutDevLogin(config: Config) {
  if (config.production && config.devLogin) {
    console.warn('警告：生产环境开启了演示登录 (AUTH_DEV_LOGIN=true, AUTH_DEV_LOGIN_I_UNDERSTAND=true)，任何人都可以用手机号以任何身份直接登录。');
  }
}

function announce(config: Config, port: number, startedAt: number) {
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  const database = config.databaseUrl ? 'PostgreSQL' : `内置 PGlite (${config.dataDir})`;
  const processes = config.workers > 1 ? `，${config.workers} 个 API 进程` : '';
  console.log(`民呼我行已启动 (${Math.round(performance.now() - startedAt)} ms)，数据库：${database}${processes}`);
  console.log(`  打开 ${url}/`);
  console.log(`  接口 ${url}/api/v1  (文档 ${url}/api/v1/openapi.json)`);
}

function onStopSignal(stop: () => Promise<unknown>) {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(`无法启动：${error.message}`);
  } else {
    console.error('无法启动：', error);
  }
  process.exit(1);
});
