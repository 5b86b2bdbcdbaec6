import type { FastifyInstance } from 'fastify';
import { AppError, badRequest } from '../errors.js';
import { serve } from './serve.js';

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/** What a file is, by its first bytes; the name and the declared type are not trusted. */
export function sniffImageType(bytes: Buffer): string | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') {
    return 'image/webp';
  }
  return null;
}

export default async function uploadsRoutes(app: FastifyInstance) {
  const { uploads } = app.services;
  serve(app, {
    createUpload: async (request, reply) => {
      if (!request.isMultipart()) {
        throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传一个文件。');
      }
      const file = await request.file({ limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } });
      if (!file) throw badRequest('FILE_REQUIRED', '请选择要上传的照片。');
      const data = await file.toBuffer().catch((error: { code?: string }) => {
        if (error.code === 'FST_REQ_FILE_TOO_LARGE') {
          throw new AppError(413, 'PAYLOAD_TOO_LARGE', '照片太大，最大 5 MB。');
        }
        throw error;
      });
      const contentType = sniffImageType(data);
      if (!contentType) {
        throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '只能上传 JPEG、PNG 或 WebP 格式的照片。');
      }
      return reply.code(201).send(await uploads.create(request.viewer, contentType, data, app.clock()));
    },
    getUpload: async (request, reply) => {
      const upload = await uploads.get(request.viewer, request.params.id);
      return reply
        .header('content-type', upload.contentType)
        .header('cache-control', 'private, max-age=86400')
        .header('x-content-type-options', 'nosniff')
        .send(upload.data);
    },
  });
}
