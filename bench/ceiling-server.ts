/**
 * The framework's ceiling: the same Fastify, started the same way as the API
 * (`node --import tsx`, WORKERS processes sharing the port), with the API's logger level,
 * answering one constant JSON route. Nothing else: no database, no auth, no validation.
 */
import cluster from 'node:cluster';
import Fastify from 'fastify';

const workers = Number(process.env.WORKERS ?? 1);
const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';

if (cluster.isPrimary && workers > 1) {
  let ready = 0;
  cluster.on('message', (_worker, message: { listening?: number }) => {
    if (typeof message.listening === 'number' && ++ready === workers) console.log(`ceiling ready http://${host}:${message.listening}/`);
  });
  for (let i = 0; i < workers; i++) cluster.fork();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
      cluster.once('exit', () => process.exit(0));
    });
  }
} else {
  const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'warn' } });
  const reply = { status: 'ok', items: [], nextCursor: null };
  app.get('/ceiling', async () => reply);

  await app.listen({ port, host });
  const address = app.server.address();
  if (cluster.isWorker) process.send!({ listening: typeof address === 'object' && address ? address.port : port });
  else console.log(`ceiling ready http://${host}:${typeof address === 'object' && address ? address.port : port}/`);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.close().then(() => process.exit(0));
    });
  }
}
