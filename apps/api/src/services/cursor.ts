import { badRequest } from '../errors.js';

/** Keyset cursors are the last row's sort keys, as opaque base64url JSON. */
export function encodeCursor(keys: unknown[]): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

/** Reads a cursor back; `read` checks the keys' shapes. A bad cursor is the client's error. */
export function decodeCursor<T>(cursor: string, read: (keys: unknown[]) => T | null): T {
  try {
    const keys: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const value = Array.isArray(keys) ? read(keys) : null;
    if (value !== null) return value;
  } catch {
    // fall through
  }
  throw badRequest('INVALID_CURSOR', '翻页参数 cursor 不正确，请从第一页重新加载。', { field: 'cursor' });
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isDate = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));
