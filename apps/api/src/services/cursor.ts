import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../errors.js';

/** Keyset cursors are the last row's sort keys, as opaque base64url JSON. */
export function encodeCursor(keys: unknown[]): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

const invalidCursor = () => badRequest('INVALID_CURSOR', '翻页参数 cursor 不正确，请从第一页重新加载。', { field: 'cursor' });

/** Reads a cursor back; `read` checks the keys' shapes. A bad cursor is the client's error. */
export function decodeCursor<T>(cursor: string, read: (keys: unknown[]) => T | null): T {
  try {
    const keys: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const value = Array.isArray(keys) ? read(keys) : null;
    if (value !== null) return value;
  } catch {
    // fall through
  }
  throw invalidCursor();
}

/**
 * Signed cursors for lists whose filters matter (the ticket lists): `<keys>.<filter>.<mac>`, the
 * keys as base64url JSON, a fingerprint of the list's filter (and of who asked), and an HMAC of
 * both with a key derived from the server's secret, so every process reads every other's cursors.
 * A changed cursor fails the MAC; a cursor of another filter (or order, or person) fails the
 * fingerprint: both are 400 INVALID_CURSOR, before anything reaches the database.
 */
export function createSignedCursors(secret: string) {
  const key = createHmac('sha256', secret).update('minhu: list cursors').digest();
  const mac = (body: string) => createHmac('sha256', key).update(body).digest().subarray(0, 16);
  // A list's filter is the same page after page (and for a member's every visit): its
  // fingerprint is worked out once and kept (bounded; the oldest go first).
  const fingerprints = new Map<string, string>();
  const fingerprint = (filter: string) => {
    let known = fingerprints.get(filter);
    if (known === undefined) {
      known = createHash('sha256').update(filter).digest('base64url').slice(0, 11);
      if (fingerprints.size >= 10_000) fingerprints.delete(fingerprints.keys().next().value!);
      fingerprints.set(filter, known);
    }
    return known;
  };
  return {
    seal(filter: string, keys: unknown[]): string {
      const body = `${encodeCursor(keys)}.${fingerprint(filter)}`;
      return `${body}.${mac(body).toString('base64url')}`;
    },
    open<T>(cursor: string, filter: string, read: (keys: unknown[]) => T | null): T {
      const parts = cursor.split('.');
      if (parts.length !== 3) throw invalidCursor();
      const body = `${parts[0]}.${parts[1]}`;
      const given = Buffer.from(parts[2]!, 'base64url');
      const expected = mac(body);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
      if (parts[1] !== fingerprint(filter)) {
        throw badRequest('INVALID_CURSOR', '翻页参数 cursor 属于另一组筛选条件，请从第一页重新加载。', { field: 'cursor' });
      }
      return decodeCursor(parts[0]!, read);
    },
  };
}

export type SignedCursors = ReturnType<typeof createSignedCursors>;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isDate = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));
