import { relationsOf } from '@minhu/domain';
import type { TicketsRepository, UploadsRepository } from '@minhu/db';
import { notFound } from '../errors.js';
import { machineOf } from './ticket-view.js';
import { actorFor, type Viewer } from './viewer.js';

export function createUploadsService(deps: { uploads: UploadsRepository; tickets: TicketsRepository }) {
  const { uploads, tickets } = deps;
  return {
    async create(viewer: Viewer, contentType: string, data: Buffer) {
      return uploads.insert(viewer.id, contentType, data);
    },

    /** The uploader sees their photo; once attached, whoever can see the ticket sees it too. */
    async get(viewer: Viewer, id: string) {
      const upload = await uploads.get(id);
      if (!upload) throw notFound('照片');
      if (upload.ownerId === viewer.id) return upload;
      const row = upload.ticketId ? await tickets.view(upload.ticketId) : null;
      if (!row || relationsOf(machineOf(row.ticket), actorFor(viewer, row.areaPath)).size === 0) {
        throw notFound('照片');
      }
      return upload;
    },
  };
}

export type UploadsService = ReturnType<typeof createUploadsService>;
