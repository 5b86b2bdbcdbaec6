import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Duplex } from 'node:stream';
import fp from 'fastify-plugin';
import { endpoints, errorsOf, fieldLabel, type Endpoint, type ErrorCode, type OperationId } from '@minhu/contracts';
import { isDatabaseUnavailable } from '@minhu/db';
import { AppError } from '../errors.js';

/** A route answered an error code its entry in the table of endpoints does not list. */
export interface ContractBreach {
  operationId: OperationId;
  status: number;
  code: string;
}

interface Options {
  /** Told of every breach; by default it is logged. The tests fail on any. */
  onBreach?: (breach: ContractBreach) => void;
}

const DECLARED = new Map(
  (Object.entries(endpoints) as [OperationId, Endpoint][]).map(([id, e]) => [id, new Set<string>(errorsOf(e))]),
);

/**
 * Every failure leaves in one shape. Validation errors name the field in plain words; database
 * outages (packages/db/src/availability.ts says which errors are) are 503 with Retry-After so
 * clients know to retry; anything unexpected is logged and reported as 500
 * without internals.
 */
export default fp<Options>(
  async function errors(app: FastifyInstance, options: Options) {
    const breached = options.onBreach ?? ((breach) => app.log.warn(breach, 'error code not listed for this endpoint (packages/contracts)'));
    /** Sends the error shape, checking the code against what the endpoint lists. */
    const fail = (request: FastifyRequest, reply: FastifyReply, status: number, code: ErrorCode, message: string, details?: unknown) => {
      const operationId = request.routeOptions.config?.operationId;
      if (operationId && !DECLARED.get(operationId)?.has(code)) breached({ operationId, status, code });
      return reply.code(status).send(body(code, message, details));
    };

    app.setNotFoundHandler((request, reply) => {
      reply.code(404).send(body('NOT_FOUND', `没有这个接口：${request.method} ${request.url.split('?')[0]}`));
    });

    app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
      if (error instanceof AppError) return fail(request, reply, error.statusCode, error.code, error.message, error.details);
      const fastifyError = error as FastifyError;
      if (fastifyError.validation) {
        const details = fastifyError.validation.map((v) => ({
          field: fieldName(fastifyError.validationContext, v.instancePath, v.params),
          rule: v.keyword,
          message: describe(fastifyError.validationContext, v),
        }));
        return fail(request, reply, 400, 'VALIDATION_ERROR', describe(fastifyError.validationContext, fastifyError.validation[0]!), details);
      }
      if (clientWentAway(request, fastifyError)) {
        // Nobody is listening for the answer: not the database's fault, and not worth an alarm.
        request.log.info({ err: error }, 'client closed the request');
        return fail(request, reply, 400, 'BAD_REQUEST', '请求在发送完之前被中断。');
      }
      const mapped = mapKnown(fastifyError, request.routeOptions.config?.operationId !== undefined);
      if (mapped) return fail(request, reply, ...mapped);
      if (isDatabaseUnavailable(error)) {
        request.log.error({ err: error }, 'database unavailable');
        reply.header('retry-after', String(app.db.retryAfterSeconds));
        return fail(request, reply, 503, 'DATABASE_UNAVAILABLE', '数据库暂时无法访问，请稍后重试；已提交的内容不会丢失。');
      }
      request.log.error({ err: error }, 'unexpected error');
      return fail(request, reply, 500, 'INTERNAL_ERROR', '服务器出错了，请稍后重试。');
    });
  },
  { name: 'errors' },
);

const body = (code: string, message: string, details?: unknown) => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

/** A path parameter over the router's length limit (also when the H5 pages' wildcard would take it). */
export const uriTooLong = body('URI_TOO_LONG', '地址太长：路径里的参数超过了长度上限。');

/**
 * Errors the router raises before any route runs (Fastify's `frameworkErrors`): a path that is not
 * valid percent-encoding, a path parameter over the length limit. In the contract's shape too.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return reply.code(414).send(uriTooLong);
  if (error.code === 'FST_ERR_BAD_URL') return reply.code(400).send(body('BAD_REQUEST', '地址的格式不正确 (百分号编码无效)。'));
  return reply.code(400).send(body('BAD_REQUEST', '请求格式不正确。'));
}

/**
 * Failures of the connection itself, before any request can be answered through Fastify (its
 * `clientErrorHandler`): a request not all there within requestTimeout (408), headers too large
 * (431), bytes that are no HTTP (400). Answered in the contract's shape, then the socket closes.
 */
export function clientErrors(error: NodeJS.ErrnoException, socket: Duplex) {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, code, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'REQUEST_TIMEOUT', '请求超时：请求没有在时限内发送完，连接已关闭，请重试。']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'HEADERS_TOO_LARGE', '请求头太大。']
        : [400, 'Bad Request', 'BAD_REQUEST', '请求格式不正确。'];
  if (socket.writable) {
    const json = JSON.stringify(body(code, message));
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy();
}

/** The request's body stopped coming: the client closed the connection before sending it all. */
function clientWentAway(request: FastifyRequest, error: FastifyError): boolean {
  if (error.code === 'ECONNRESET' && error.message === 'aborted') return true;
  return request.raw.destroyed && !request.raw.complete;
}

/** What the multipart parser (busboy) throws for a body that is not multipart as declared. */
const BROKEN_MULTIPART = /^(Multipart: Boundary not found|Unexpected end of (form|file|multipart data)|Malformed part header|Malformed urlencoded form|Part terminated early)/;

function mapKnown(error: FastifyError, apiRoute: boolean): [number, ErrorCode, string] | null {
  if (BROKEN_MULTIPART.test(error.message ?? '')) return [400, 'BAD_REQUEST', '上传的内容不是完整的 multipart/form-data。'];
  switch (error.code) {
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return [415, 'UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传文件。'];
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_REQ_FILE_TOO_LARGE':
      return [413, 'PAYLOAD_TOO_LARGE', '上传的文件或字段太多、太大。'];
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return [413, 'PAYLOAD_TOO_LARGE', '提交的内容太大 (上限 1 MB)。'];
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return [415, 'UNSUPPORTED_MEDIA_TYPE', '不支持的内容类型，请以 JSON 提交。'];
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return [400, 'INVALID_JSON', '请求内容不是有效的 JSON。'];
    case 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED':
      return [401, 'TOKEN_EXPIRED', '登录已过期，请刷新登录状态。'];
    case 'FST_JWT_NO_AUTHORIZATION_IN_HEADER':
    case 'FST_JWT_AUTHORIZATION_TOKEN_INVALID':
    case 'FST_JWT_AUTHORIZATION_TOKEN_UNTRUSTED':
    case 'FST_JWT_BAD_REQUEST':
    case 'FST_JWT_BAD_COOKIE_REQUEST':
      return [401, 'UNAUTHORIZED', '请先登录。'];
  }
  // The H5 pages (@fastify/static): a path outside the build (`/../../etc/passwd`) is refused with
  // 403, a missing file 404; to the visitor both are "no such page". A path with a NUL is 400.
  if (!apiRoute && error.statusCode === 400) return [400, 'BAD_REQUEST', '地址的格式不正确。'];
  if (!apiRoute && error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return [404, 'NOT_FOUND', '没有这个页面。'];
  if (error.statusCode === 401) return [401, 'UNAUTHORIZED', '请先登录。'];
  if (error.statusCode === 413) return [413, 'PAYLOAD_TOO_LARGE', '提交的内容太大。'];
  if (error.statusCode === 415) return [415, 'UNSUPPORTED_MEDIA_TYPE', '不支持的内容类型。'];
  if (error.statusCode === 429) return [429, 'RATE_LIMITED', '操作太频繁，请稍后再试。'];
  if (error.statusCode === 400 && error.code?.startsWith('FST_')) return [400, 'BAD_REQUEST', '请求格式不正确。'];
  return null;
}

interface ValidationItem {
  keyword: string;
  instancePath: string;
  message?: string | undefined;
  params: Record<string, unknown>;
}

const PLACES: Record<string, string> = { body: '', querystring: '查询参数 ', params: '路径参数 ', headers: '请求头 ' };

function fieldName(context: string | undefined, path: string, params: Record<string, unknown>): string {
  const extra = (params.missingProperty ?? params.additionalProperty) as string | undefined;
  const parts = path.split('/').filter(Boolean);
  if (extra) parts.push(extra);
  const name = parts.join('.');
  return `${PLACES[context ?? 'body'] ?? ''}${name}`.trim() || '请求内容';
}

/** The field in words for a message: 查询参数「每页条数」(limit). */
function spokenField(context: string | undefined, path: string, params: Record<string, unknown>): string {
  const extra = (params.missingProperty ?? params.additionalProperty) as string | undefined;
  const name = [...path.split('/').filter(Boolean), ...(extra ? [extra] : [])].join('.');
  if (!name) return '请求内容';
  const label = fieldLabel(name);
  return `${PLACES[context ?? 'body'] ?? ''}「${label}」${label === name ? '' : ` (${name})`}`;
}

/** A one-line Chinese description of the first problem; `details` has all of them. */
function describe(context: string | undefined, v: ValidationItem): string {
  const field = spokenField(context, v.instancePath, v.params);
  const p = v.params;
  switch (v.keyword) {
    case 'required':
      return `缺少必填项：${field}`;
    case 'additionalProperties':
      return `不认识的字段：${field}`;
    case 'maxLength':
      return `${field} 太长，最多 ${String(p.limit)} 个字`;
    case 'minLength':
      return `${field} 不能为空`;
    case 'maxItems':
      return `${field} 最多 ${String(p.limit)} 项`;
    case 'minimum':
    case 'exclusiveMinimum':
      return `${field} 必须大于${v.keyword === 'minimum' ? '或等于' : ''} ${String(p.limit)}`;
    case 'maximum':
    case 'exclusiveMaximum':
      return `${field} 不能超过 ${String(p.limit)}`;
    case 'enum':
      return `${field} 的取值不正确，可选：${(p.allowedValues as unknown[] | undefined)?.join('、') ?? ''}`;
    case 'format':
      if (p.format === 'text') return `${field} 含有不能保存的字符 (如 \\u0000 或不成对的代理字符)`;
      return `${field} 的格式不正确`;
    case 'pattern':
      return `${field} 的格式不正确`;
    case 'type':
      return `${field} 的类型不正确`;
    case 'uniqueItems':
      return `${field} 有重复项`;
    default:
      return `${field} 不正确：${v.message ?? v.keyword}`;
  }
}
