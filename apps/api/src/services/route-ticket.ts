import { routeTicket, type Category, type SpecialTag, type Urgency } from '@minhu/domain';
import type { AreaRow, OrgRepository } from '@minhu/db';

/** Gathers the organisation around an address and routes a need there (see the domain's routing). */
export async function routeAt(
  org: OrgRepository,
  chain: readonly AreaRow[],
  need: { category: Category; urgency: Urgency },
  person: { id: string; tags: readonly SpecialTag[] } | null,
) {
  return routeTicket({
    ...(await org.routingContext(chain, person?.id ?? null)),
    category: need.category,
    urgency: need.urgency,
    beneficiary: { personId: person?.id ?? null, tags: person?.tags ?? [] },
  });
}
