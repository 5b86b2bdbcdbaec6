import type { UploadsRepository } from '@minhu/db';
import { AppError, notFound } from '../errors.js';
import type { Access } from './access.js';
import type { Viewer } from './viewer.js';

/** Uploads nobody attached within this are removed (housekeeping). */
export const UNATTACHED_UPLOADS_KEPT_MS = 24 * 3600_000;

export function createUploadsService(deps: { uploads: UploadsRepository; access: Pick<Access, 'seesTicket' | 'seesDeliveryPhoto'>; quotaBytes: number }) {
  const { uploads, access, quotaBytes } = deps;
  return {
    /** Within the person's storage quota (UPLOAD_QUOTA_MB): past it, 413. */
    async create(viewer: Viewer, contentType: string, data: Buffer, now: Date) {
      if ((await uploads.usedBytes(viewer.id)) + data.length > quotaBytes) {
        throw new AppError(413, 'PAYLOAD_TOO_LARGE', `您上传的照片已达 ${Math.round(quotaBytes / 1024 / 1024)} MB 的上限，无法再上传。`);
      }
      return uploads.insert(viewer.id, contentType, data, now);
    },

    /** Removes uploads nobody attached within a day (a batch at a time). */
    async removeUnattached(now: Date): Promise<number> {
      return uploads.removeUnattached(new Date(now.getTime() - UNATTACHED_UPLOADS_KEPT_MS));
    },

    /**
     * The uploader sees their photo; once attached, whoever can see the ticket sees it too, and a
     * delivery's photo whoever sees that household's line of the round (access.seesDeliveryPhoto).
     */
    async get(viewer: Viewer, id: string) {
      const upload = await uploads.get(id);
      if (!upload) throw notFound('照片');
      if (upload.ownerId === viewer.id) return upload;
      const sees = upload.ticketId ? await access.seesTicket(viewer, upload.ticketId) : await access.seesDeliveryPhoto(viewer, upload.id);
      if (!sees) throw notFound('照片');
      return upload;
    },
  };
}

export type UploadsService = ReturnType<typeof createUploadsService>;
