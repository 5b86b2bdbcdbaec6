import { sql } from 'drizzle-orm';
import type { TimeLimitPolicy } from '@minhu/domain';
import type { DbHandle, Executor } from './create-db.js';
import { newId } from './ids.js';
import { slaPolicies } from './schema.js';

export function createPoliciesRepository(handle: DbHandle) {
  const { db } = handle;
  return {
    async all(executor: Executor = db): Promise<TimeLimitPolicy[]> {
      return executor
        .select({
          category: slaPolicies.category,
          urgency: slaPolicies.urgency,
          controlLevel: slaPolicies.controlLevel,
          claimWithinSeconds: slaPolicies.claimWithinSeconds,
          resolveWithinSeconds: slaPolicies.resolveWithinSeconds,
          staleClaimSeconds: slaPolicies.staleClaimSeconds,
        })
        .from(slaPolicies)
        .orderBy(slaPolicies.category, slaPolicies.urgency, sql`${slaPolicies.controlLevel} NULLS FIRST`);
    },

    /** Replaces the whole set in one transaction. */
    async replace(policies: readonly TimeLimitPolicy[], byUserId: string, now: Date) {
      await db.transaction(async (tx) => {
        await tx.delete(slaPolicies);
        if (policies.length > 0) {
          await tx.insert(slaPolicies).values(policies.map((p) => ({ ...p, id: newId(), createdAt: now, createdById: byUserId })));
        }
      });
    },
  };
}

export type PoliciesRepository = ReturnType<typeof createPoliciesRepository>;
