import type { TObject, TSchema } from 'typebox';
import { errorsOf, type Endpoint, type FileReply } from './endpoint.js';
import { API_BASE_PATH, endpoints, TAGS } from './endpoints.js';
import { ErrorReply, statusOf, type ErrorCode } from './errors.js';

type Json = Record<string, unknown>;

/** A TypeBox schema as plain JSON Schema (TypeBox's own markers are not enumerable). */
const json = (schema: TSchema): Json => JSON.parse(JSON.stringify(schema)) as Json;

const isFile = (reply: TSchema | FileReply): reply is FileReply => typeof (reply as FileReply).file === 'string';

function parameters(schema: TObject | undefined, where: 'path' | 'query' | 'header'): Json[] {
  if (!schema) return [];
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(schema.properties as Record<string, TSchema>).map(([name, property]) => {
    const { description, ...rest } = json(property);
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function requestBody(e: Endpoint): Json | undefined {
  if (e.body) return { required: !e.bodyOptional, content: { 'application/json': { schema: json(e.body) } } };
  if (!e.upload) return undefined;
  const { files, maxFiles } = e.upload;
  const file = { type: 'string', format: 'binary' };
  return {
    required: true,
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          required: Object.keys(files),
          properties: Object.fromEntries(
            Object.entries(files).map(([name, description]) => [
              name,
              maxFiles > 1 ? { type: 'array', description, maxItems: maxFiles, items: file } : { ...file, description },
            ]),
          ),
        },
      },
    },
  };
}

function responses(e: Endpoint): Json {
  const out: Json = {};
  for (const [status, reply] of Object.entries(e.replies)) {
    out[status] = isFile(reply)
      ? { description: reply.description, content: { [reply.file]: { schema: { type: 'string', format: 'binary' } } } }
      : { description: (json(reply).description as string | undefined) ?? '成功', content: { 'application/json': { schema: json(reply) } } };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorsOf(e)) {
    const status = statusOf(code);
    if (String(status) in e.replies) continue; // a reply of its own (the health check's 503)
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const schema = json(ErrorReply(codes));
    out[String(status)] = { description: schema.description, content: { 'application/json': { schema } } };
  }
  return out;
}

/** The OpenAPI 3.1 document of the whole API, made from the table of endpoints. */
export function openApiDocument(options: { devLogin: boolean }): Json {
  const paths: Record<string, Json> = {};
  for (const [operationId, e] of Object.entries(endpoints) as [string, Endpoint][]) {
    if (e.devOnly && !options.devLogin) continue;
    const path = `${API_BASE_PATH}${e.path.replace(/:(\w+)/g, '{$1}')}`;
    const params = [...parameters(e.params, 'path'), ...parameters(e.query, 'query'), ...parameters(e.headers, 'header')];
    const body = requestBody(e);
    paths[path] = {
      ...paths[path],
      [e.method.toLowerCase()]: {
        operationId,
        tags: [e.tag],
        summary: e.summary,
        ...(e.description ? { description: e.description } : {}),
        ...(e.public ? { security: [] } : {}),
        ...(params.length > 0 ? { parameters: params } : {}),
        ...(body ? { requestBody: body } : {}),
        responses: responses(e),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: '民呼我行 API',
      version: '1.0.0',
      description:
        '居民求助、服务队签收办理与书记督办的接口。错误统一为 {"error":{"code","message","details"}}；每个接口列出它可能返回的错误码。',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: '本服务 (小程序的 H5 页面与接口同源)' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: '登录得到的 accessToken' } },
    },
  };
}
