import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import {
  endpoints,
  ErrorReply,
  errorsOf,
  statusOf,
  type BodyOf,
  type Endpoint,
  type Endpoints,
  type ErrorCode,
  type FileReply,
  type HeadersOf,
  type OperationId,
  type ParamsOf,
  type QueryOf,
  type ReplyOf,
} from '@minhu/contracts';
import { badRequest } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without signing in (health, login, the OpenAPI document). */
    public?: boolean;
    /** The endpoint of the contract this route serves. */
    operationId?: OperationId;
  }
}

type RequestOf<E extends Endpoint> = FastifyRequest<{
  Params: ParamsOf<E>;
  Querystring: QueryOf<E>;
  Headers: HeadersOf<E>;
  Body: BodyOf<E>;
}>;

/** Answers one endpoint: its reply as the contract types it, or the reply object once sent. */
export type Handler<E extends Endpoint> = (request: RequestOf<E>, reply: FastifyReply) => Promise<ReplyOf<E> | FastifyReply>;
export type Handlers<K extends OperationId> = { [P in K]: Handler<Endpoints[P]> };

const isFile = (reply: unknown): reply is FileReply => typeof (reply as FileReply).file === 'string';

/** Validation and serialisation for Fastify, from the endpoint's entry in the table. */
export function fastifySchema(e: Endpoint): FastifySchema {
  const response: Record<string, unknown> = {};
  for (const [status, reply] of Object.entries(e.replies)) if (!isFile(reply)) response[status] = reply;
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorsOf(e)) byStatus.set(statusOf(code), [...(byStatus.get(statusOf(code)) ?? []), code]);
  for (const [status, codes] of byStatus) response[String(status)] ??= ErrorReply(codes);
  return {
    ...(e.params ? { params: e.params } : {}),
    ...(e.query ? { querystring: e.query } : {}),
    ...(e.headers ? { headers: e.headers } : {}),
    ...(e.body ? { body: e.body } : {}),
    response,
  };
}

/**
 * Registers handlers for endpoints of the table: method, path, schemas and who may call come from
 * the table, so a route cannot drift from its contract. Each handler is typed from its entry.
 */
export function serve<K extends OperationId>(app: FastifyInstance, handlers: Handlers<K>) {
  for (const operationId of Object.keys(handlers) as K[]) {
    const e: Endpoint = endpoints[operationId];
    app.route({
      method: e.method,
      url: e.path,
      schema: fastifySchema(e),
      config: { operationId, public: e.public === true },
      // An action without a body (a bare POST) means `{}`.
      ...(e.bodyOptional
        ? {
            preValidation: async (request: FastifyRequest) => {
              request.body ??= {};
            },
          }
        : {}),
      // Ajv turns a query's "1e309" into Infinity and then skips the bounds (it checks them only
      // on finite numbers): no field of the table takes an infinite number.
      ...(e.query ? { preHandler: finiteQuery } : {}),
      handler: handlers[operationId] as unknown as (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
    });
  }
}

async function finiteQuery(request: FastifyRequest) {
  for (const [name, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw badRequest('VALIDATION_ERROR', `查询参数 ${name} 超出了允许的范围`, [{ field: `查询参数 ${name}`, rule: 'maximum', message: 'must be finite' }]);
    }
  }
}

/**
 * Checks, once all routes are registered, that the API serves exactly the table: every endpoint
 * (the demo login's only while it is on) and nothing else. Call it with the routes' scope before
 * registering them.
 */
export function servesExactlyTheTable(api: FastifyInstance, options: { devLogin: boolean }) {
  const served = new Set<OperationId>();
  api.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.every((m) => m === 'HEAD')) return; // Fastify's own HEAD twin of a GET
    const operationId = route.config?.operationId;
    if (!operationId) throw new Error(`${methods.join(',')} ${route.url} is not in the table of endpoints (packages/contracts)`);
    served.add(operationId);
  });
  api.addHook('onReady', async () => {
    const missing = (Object.keys(endpoints) as OperationId[]).filter((id) => !served.has(id) && (options.devLogin || !(endpoints[id] as Endpoint).devOnly));
    if (missing.length > 0) throw new Error(`endpoints without a handler: ${missing.join(', ')}`);
  });
}
