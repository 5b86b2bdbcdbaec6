import { Type } from 'typebox';
import { Id } from './common.js';

/** Health, uploads and the API's own description. */

export const Health = Type.Object({
  status: Type.String({ description: 'ok，或数据库不可用时 error' }),
  db: Type.String({ description: 'ok 或 unavailable' }),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});

export const UploadReply = Type.Object({
  id: Id,
  contentType: Type.String({ description: '按文件内容识别的类型：image/jpeg、image/png、image/webp' }),
  size: Type.Integer({ description: '字节数' }),
});

export const OpenApiDocument = Type.Object(
  { openapi: Type.String(), info: Type.Object({ title: Type.String(), version: Type.String() }, { additionalProperties: true }) },
  { additionalProperties: true, description: 'OpenAPI 3.1 文档' },
);
