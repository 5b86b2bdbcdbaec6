import { connect as tcpConnect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that counts what clients send: statements executed (an
 * extended-protocol Execute, or a simple Query) and statements parsed (Parse: planned afresh).
 * The bench points a second API process at it to see how many statements each request costs.
 */
export interface SqlCounter {
  url: string;
  counts(): { executed: number; parsed: number; simple: number };
  reset(): void;
  close(): Promise<void>;
}

export async function startSqlCounter(databaseUrl: string): Promise<SqlCounter> {
  const target = new URL(databaseUrl);
  let executed = 0;
  let parsed = 0;
  let simple = 0;
  const sockets = new Set<Socket>();

  const server: Server = createServer((client) => {
    const upstream = tcpConnect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    let started = false;
    let pending = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (!started) {
          // Startup, SSL or cancel request: a length and a code, no type byte.
          if (pending.length < 8) break;
          const length = pending.readInt32BE(0);
          const code = pending.readInt32BE(4);
          if (pending.length < length) break;
          pending = pending.subarray(length);
          if (code === 196608) started = true; // protocol 3.0 startup: typed messages follow
          continue;
        }
        if (pending.length < 5) break;
        const type = String.fromCharCode(pending[0]!);
        const length = pending.readInt32BE(1);
        if (pending.length < length + 1) break;
        if (type === 'E') executed++;
        else if (type === 'P') parsed++;
        else if (type === 'Q') {
          simple++;
          executed++;
        }
        pending = pending.subarray(length + 1);
      }
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    counts: () => ({ executed, parsed, simple }),
    reset: () => {
      executed = 0;
      parsed = 0;
      simple = 0;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
