import type { DbHandle, UserContext } from '@minhu/db';

interface Options {
  /** Reads a person's context from the database. */
  load(userId: string): Promise<UserContext | null>;
  /** The longest a kept context is used; a backstop, as changes are announced (below). */
  ttlMs?: number;
  /** The most people kept; the longest kept are forgotten first. */
  max?: number;
}

/**
 * Told by the services whose writes change who someone is (an account, a membership, roles,
 * areas), right after the write commits.
 */
export interface PeopleChanges {
  changed(): void;
}

/**
 * Who a signed-in person is, kept between their requests: every request needs it, and on this
 * kind of machine each round trip to PostgreSQL costs more than the query it carries.
 *
 * Nothing stale is served: every change to a person, their teams or roles, or to a team or area
 * is announced by the database itself on `minhu_people` (triggers, migration 0005) when it
 * commits, to every API process; each forgets what it kept of that person (or everyone). A
 * process also forgets everyone when it changes such things itself (`changed`, called by the
 * service that wrote, before it replies), so its own next request sees the change without
 * waiting for the announcement. Contexts are kept only while listening:
 * after a reconnect everything is forgotten, since announcements may have been missed; on PGlite
 * (one process, no listening) nothing is kept.
 */
export function createUserContexts(handle: DbHandle, options: Options) {
  const ttlMs = options.ttlMs ?? 60_000;
  const max = options.max ?? 10_000;
  const kept = new Map<string, { context: UserContext; at: number }>();
  let listening = false;
  // Moves on at every change: a context read while something changed is not kept.
  let epoch = 0;

  const forgetAll = () => {
    epoch++;
    kept.clear();
  };
  // Listening starts in the background and is tried again until it works: the API also starts,
  // and answers 503, while PostgreSQL is unreachable.
  let closed = false;
  let stop: (() => Promise<void>) | null = null;
  const listen = () => {
    if (closed || !handle.listen) return;
    handle
      .listen('minhu_people', {
        message(payload) {
          epoch++;
          if (payload === '*') kept.clear();
          else kept.delete(payload);
        },
        listening() {
          forgetAll();
          listening = true;
        },
      })
      .then(
        (unlisten) => {
          if (closed) void unlisten().catch(() => {});
          else stop = unlisten;
        },
        () => setTimeout(listen, 5000).unref(),
      );
  };
  listen();

  return {
    async get(userId: string): Promise<UserContext | null> {
      const hit = kept.get(userId);
      if (listening && hit && performance.now() - hit.at < ttlMs) return hit.context;
      const seen = epoch;
      const context = await options.load(userId);
      if (listening && context && seen === epoch) {
        kept.delete(userId);
        kept.set(userId, { context, at: performance.now() });
        if (kept.size > max) kept.delete(kept.keys().next().value!);
      }
      return context;
    },
    /** Something about people changed here (PeopleChanges): forget everyone. */
    changed: forgetAll,
    async close() {
      closed = true;
      listening = false;
      forgetAll();
      await stop?.().catch(() => {});
    },
  };
}

export type UserContexts = ReturnType<typeof createUserContexts>;
