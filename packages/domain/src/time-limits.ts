import { CATEGORIES, URGENCIES, type Category, type ControlLevel, type Urgency } from './model.js';

export interface TimeLimit {
  /** 签收时限: how long the team has to claim (the first response). */
  claimWithinSeconds: number;
  /** 办结时限: how long from filing until it must be resolved. */
  resolveWithinSeconds: number;
  /** 签收未办理提醒: a claim neither started nor noted this long tells the leader; absent: the claim limit. */
  staleClaimSeconds?: number | null;
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
 * Sealed and controlled areas are where needs pile up and people cannot go out for themselves
 * (domain.md): by default their limits are tighter, every category × urgency: 封控区 half the
 * ordinary limits, 管控区 three quarters (an emergency in a sealed building: claimed within 5 min,
 * resolved within 1 h).
 */
export const CONTROL_LEVEL_FACTORS: Partial<Record<ControlLevel, number>> = { controlled: 0.75, sealed: 0.5 };

/** The policies in force until an admin sets their own: the defaults, and the tighter rows above. */
export const DEFAULT_POLICIES: readonly TimeLimitPolicy[] = CATEGORIES.flatMap((category) =>
  URGENCIES.flatMap((urgency) => {
    const base = DEFAULT_TIME_LIMITS[urgency];
    const general: TimeLimitPolicy = { category, urgency, controlLevel: null, ...base };
    const tighter = (Object.entries(CONTROL_LEVEL_FACTORS) as [ControlLevel, number][]).map(([controlLevel, factor]) => ({
      category,
      urgency,
      controlLevel,
      claimWithinSeconds: Math.round(base.claimWithinSeconds * factor),
      resolveWithinSeconds: Math.round(base.resolveWithinSeconds * factor),
    }));
    return [general, ...tighter];
  }),
);

/**
 * The limit for a new ticket: a policy for its exact control level wins over a general one. An
 * admin's set replaces the defaults whole (a set without rows for sealed areas is their choice);
 * with none set, DEFAULT_POLICIES.
 */
export function timeLimitFor(
  policies: readonly TimeLimitPolicy[],
  category: Category,
  urgency: Urgency,
  controlLevel: ControlLevel,
): TimeLimit {
  const inForce = policies.length > 0 ? policies : DEFAULT_POLICIES;
  const matching = inForce.filter((p) => p.category === category && p.urgency === urgency);
  const policy =
    matching.find((p) => p.controlLevel === controlLevel) ??
    matching.find((p) => p.controlLevel === null);
  const found = policy ?? DEFAULT_TIME_LIMITS[urgency];
  return {
    claimWithinSeconds: found.claimWithinSeconds,
    resolveWithinSeconds: found.resolveWithinSeconds,
    ...(found.staleClaimSeconds != null ? { staleClaimSeconds: found.staleClaimSeconds } : {}),
  };
}

/** How long a claim may sit unworked before the leader hears (the claim limit unless set). */
export const staleClaimSecondsOf = (limit: TimeLimit): number => limit.staleClaimSeconds ?? limit.claimWithinSeconds;

export function dueTimes(limit: TimeLimit, from: Date): { responseDueAt: Date; resolveDueAt: Date } {
  return {
    responseDueAt: new Date(from.getTime() + limit.claimWithinSeconds * 1000),
    resolveDueAt: new Date(from.getTime() + limit.resolveWithinSeconds * 1000),
  };
}
