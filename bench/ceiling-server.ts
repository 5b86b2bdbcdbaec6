/**
 * The framework's ceiling: the same Fastify, started the same way as the API
 * (`node --import tsx`), with the API's logger level, answering one constant JSON route.
 * Nothing else: no database, no auth, no validation.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'warn' } });
const reply = { status: 'ok', items: [], nextCursor: null };
app.get('/ceiling', async () => reply);

const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' });
console.log(`ceiling ready ${address}/`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.close().then(() => process.exit(0));
  });
}
