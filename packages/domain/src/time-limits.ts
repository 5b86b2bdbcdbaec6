import type { Category, ControlLevel, Urgency } from './model.js';

export interface TimeLimit {
  /** 签收时限: how long the team has to claim (the first response). */
  claimWithinSeconds: number;
  /** 办结时限: how long from filing until it must be resolved. */
  resolveWithinSeconds: number;
}

export interface TimeLimitPolicy extends TimeLimit {
  category: Category;
  urgency: Urgency;
  /** null: applies at every control level without a more specific policy. */
  controlLevel: ControlLevel | null;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;

/**
 * Defaults from the green-channel practice: emergencies are answered in minutes, ordinary needs
 * within the working day. The same for every category until an admin sets policies.
 */
export const DEFAULT_TIME_LIMITS: Record<Urgency, TimeLimit> = {
  emergency: { claimWithinSeconds: 10 * MINUTE, resolveWithinSeconds: 2 * HOUR },
  urgent: { claimWithinSeconds: 30 * MINUTE, resolveWithinSeconds: 12 * HOUR },
  normal: { claimWithinSeconds: 2 * HOUR, resolveWithinSeconds: 48 * HOUR },
};

/**
 * The limit for a new ticket: a policy for its exact control level wins over a general one;
 * without any, the defaults.
 */
export function timeLimitFor(
  policies: readonly TimeLimitPolicy[],
  category: Category,
  urgency: Urgency,
  controlLevel: ControlLevel,
): TimeLimit {
  const matching = policies.filter((p) => p.category === category && p.urgency === urgency);
  const policy =
    matching.find((p) => p.controlLevel === controlLevel) ??
    matching.find((p) => p.controlLevel === null);
  return policy ?? DEFAULT_TIME_LIMITS[urgency];
}

export function dueTimes(limit: TimeLimit, from: Date): { responseDueAt: Date; resolveDueAt: Date } {
  return {
    responseDueAt: new Date(from.getTime() + limit.claimWithinSeconds * 1000),
    resolveDueAt: new Date(from.getTime() + limit.resolveWithinSeconds * 1000),
  };
}
