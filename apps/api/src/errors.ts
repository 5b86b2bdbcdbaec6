import type { ErrorCode, ErrorCodeOf } from '@minhu/contracts';

/**
 * Expected failures, carried to the client in the contract's error shape:
 * {"error": {"code", "message", "details"}}. Messages are for people: plain Chinese.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what = '内容') => new AppError(404, 'NOT_FOUND', `${what}不存在或无权查看`);
export const forbidden = (message = '您没有权限进行此操作') => new AppError(403, 'FORBIDDEN', message);
export const badRequest = (code: ErrorCodeOf<400>, message: string, details?: unknown) =>
  new AppError(400, code, message, details);
export const conflict = (code: ErrorCodeOf<409>, message: string, details?: unknown) =>
  new AppError(409, code, message, details);
export const unauthorized = (code: ErrorCodeOf<401> = 'UNAUTHORIZED', message = '请先登录。') => new AppError(401, code, message);
