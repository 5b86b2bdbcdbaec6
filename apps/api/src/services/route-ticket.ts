import { routeTicket, type Category, type SpecialTag, type Urgency } from '@minhu/domain';
import type { OrgRepository } from '@minhu/db';

/**
 * Routes a need at an address (see the domain's routing), with what the database knows around
 * it fetched in one round trip. Null when the address does not exist.
 */
export async function routeAt(
  org: OrgRepository,
  areaId: string,
  need: { category: Category; urgency: Urgency },
  person: { id: string; tags: readonly SpecialTag[] } | null,
  /** A team that must not get it (the one that returned it, 退单). */
  excludeTeamId: string | null = null,
) {
  const found = await org.routingAt(areaId, person?.id ?? null);
  if (!found) return null;
  const routing = routeTicket({
    ...found.context,
    teams: found.context.teams.map((t) => (t.id === excludeTeamId ? { ...t, active: false } : t)),
    category: need.category,
    urgency: need.urgency,
    beneficiary: { personId: person?.id ?? null, tags: person?.tags ?? [] },
  });
  return { routing, chain: found.chain, policies: found.policies };
}
