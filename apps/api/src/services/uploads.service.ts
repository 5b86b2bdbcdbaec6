import type { UploadsRepository } from '@minhu/db';
import { notFound } from '../errors.js';
import type { Access } from './access.js';
import type { Viewer } from './viewer.js';

export function createUploadsService(deps: { uploads: UploadsRepository; access: Pick<Access, 'seesTicket'> }) {
  const { uploads, access } = deps;
  return {
    async create(viewer: Viewer, contentType: string, data: Buffer) {
      return uploads.insert(viewer.id, contentType, data);
    },

    /** The uploader sees their photo; once attached, whoever can see the ticket sees it too. */
    async get(viewer: Viewer, id: string) {
      const upload = await uploads.get(id);
      if (!upload) throw notFound('照片');
      if (upload.ownerId === viewer.id) return upload;
      if (!upload.ticketId || !(await access.seesTicket(viewer, upload.ticketId))) throw notFound('照片');
      return upload;
    },
  };
}

export type UploadsService = ReturnType<typeof createUploadsService>;
