import { and, eq, gt, isNull } from 'drizzle-orm';
import type { DbHandle, Executor } from './create-db.js';
import { newId } from './ids.js';
import { refreshTokens, users } from './schema.js';

export type UserRow = typeof users.$inferSelect;

export function createUsersRepository(handle: DbHandle) {
  const { db } = handle;
  return {
    async byPhone(phone: string, executor: Executor = db): Promise<UserRow | null> {
      const [row] = await executor.select().from(users).where(eq(users.phone, phone));
      return row ?? null;
    },

    /** Whether the person uses the app: signed in through WeChat, or holds a session. */
    async hasApp(user: Pick<UserRow, 'id' | 'wechatOpenid'>, executor: Executor = db): Promise<boolean> {
      if (user.wechatOpenid !== null) return true;
      const [row] = await executor.select({ id: refreshTokens.id }).from(refreshTokens).where(eq(refreshTokens.userId, user.id)).limit(1);
      return row !== undefined;
    },

    async byId(id: string, executor: Executor = db): Promise<UserRow | null> {
      const [row] = await executor.select().from(users).where(eq(users.id, id));
      return row ?? null;
    },

    /** Finds the person with this key, or creates them; safe when two logins race. */
    async findOrCreate(
      key: { phone: string } | { wechatOpenid: string },
      name: string,
      executor: Executor = db,
    ): Promise<UserRow> {
      const where = 'phone' in key ? eq(users.phone, key.phone) : eq(users.wechatOpenid, key.wechatOpenid);
      const [existing] = await executor.select().from(users).where(where);
      if (existing) return existing;
      await executor
        .insert(users)
        .values({ id: newId(), name, ...key })
        .onConflictDoNothing();
      const [row] = await executor.select().from(users).where(where);
      return row!;
    },

    async storeRefreshToken(userId: string, tokenHash: string, expiresAt: Date, executor: Executor = db) {
      await executor.insert(refreshTokens).values({ id: newId(), userId, tokenHash, expiresAt });
    },

    /**
     * Uses up a refresh token: marks it revoked and returns its user, in one statement so that two
     * concurrent refreshes with one token cannot both succeed.
     */
    async consumeRefreshToken(tokenHash: string, now: Date, executor: Executor = db) {
      const [row] = await executor
        .update(refreshTokens)
        .set({ revokedAt: now })
        .where(
          and(
            eq(refreshTokens.tokenHash, tokenHash),
            isNull(refreshTokens.revokedAt),
            gt(refreshTokens.expiresAt, now),
          ),
        )
        .returning({ userId: refreshTokens.userId });
      if (row) return { ok: true as const, userId: row.userId };
      const [known] = await executor
        .select({ userId: refreshTokens.userId, revokedAt: refreshTokens.revokedAt })
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, tokenHash));
      return { ok: false as const, reusedBy: known?.revokedAt ? known.userId : null };
    },

    /** A used refresh token shown again means it leaked: end every session of that person. */
    async revokeAllRefreshTokens(userId: string, now: Date, executor: Executor = db) {
      await executor
        .update(refreshTokens)
        .set({ revokedAt: now })
        .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
