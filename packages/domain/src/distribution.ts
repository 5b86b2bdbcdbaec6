import type { AreaKind, SpecialTag } from './model.js';

/**
 * 健康包等物资按户发放: a distribution round reaches every household of an area subtree once.
 * This module turns the register (the subtree's areas, the residents, the teams) into the round's
 * lines, one per household, in the order members should walk them: households with special
 * persons first. Pure: the database only gathers the inputs and stores the result.
 */

export interface DistributionArea {
  id: string;
  parentId: string | null;
  kind: AreaKind;
  name: string;
  /** "/root/.../self/": ancestors first. */
  path: string;
}

export interface DistributionResident {
  id: string;
  homeAreaId: string;
  /** Room or house number inside the home area ("502室"); null when the register has none. */
  homeDetail: string | null;
  specialTags: readonly SpecialTag[];
}

export interface DistributionTeam {
  id: string;
  areaId: string;
  /** Empty: a general team (the one that covers households). */
  categories: readonly unknown[];
  active: boolean;
}

export interface DistributionLine {
  /** What makes the household one in this round: `a:<household area>`, `r:<unit>:<room>` or `p:<person>`. */
  householdKey: string;
  /** The household's own area, when the register has households as areas. */
  householdAreaId: string | null;
  /** The unit (or building, compound…) the household is in, or the household area itself. */
  placeId: string;
  /** The room, for households known only from their residents. */
  room: string | null;
  /** Where the progress bar counts it: the nearest building, else the nearest area above the unit. */
  buildingId: string;
  /** "3号楼 2单元 502室", from below the compound. */
  address: string;
  /** The general team covering the household (the compound's, or up the tree); null: none. */
  teamId: string | null;
  residentIds: string[];
  specialTags: SpecialTag[];
  /** Walked in this order: 0 first. */
  position: number;
  /** Has a tag of the round's priority (any special tag when the round names none). */
  priority: boolean;
}

export interface DistributionPlan {
  lines: DistributionLine[];
  /** Units (and buildings without units) where the register knows no household: said, not skipped. */
  unitsWithoutHouseholds: { areaId: string; address: string }[];
}

/** Kinds of area that hold households: a household area's parent, or where residents live. */
const CONTAINERS: ReadonlySet<AreaKind> = new Set(['unit', 'building']);

/** Natural order of names: 2号楼 before 10号楼. */
const collator = new Intl.Collator('zh-CN', { numeric: true });
const byName = (a: string, b: string) => collator.compare(a, b);

/**
 * The lines of a round over `rootId`'s subtree:
 * - every area of kind household is a line;
 * - a unit without household areas has one line per resident household (residents with the same
 *   room are one household; a resident without a room is a household of their own);
 * - a building without units is treated as a unit;
 * - a unit (or unit-less building) with neither is reported in `unitsWithoutHouseholds`.
 * Residents of a household area belong to its line. Order: priority households first, then by
 * address (building, unit, room in natural order).
 */
export function planDistribution(input: {
  rootId: string;
  areas: readonly DistributionArea[];
  residents: readonly DistributionResident[];
  teams: readonly DistributionTeam[];
  /** Tags that put a household first; empty or absent: any special tag. */
  priorityTags?: readonly SpecialTag[];
}): DistributionPlan {
  const byId = new Map(input.areas.map((a) => [a.id, a]));
  const root = byId.get(input.rootId);
  if (!root) return { lines: [], unitsWithoutHouseholds: [] };
  const inTree = (a: DistributionArea) => a.path.startsWith(root.path);
  const children = new Map<string, DistributionArea[]>();
  for (const a of input.areas) {
    if (!a.parentId || !inTree(a)) continue;
    const list = children.get(a.parentId) ?? [];
    list.push(a);
    children.set(a.parentId, list);
  }
  const residentsAt = new Map<string, DistributionResident[]>();
  for (const r of input.residents) {
    const list = residentsAt.get(r.homeAreaId) ?? [];
    list.push(r);
    residentsAt.set(r.homeAreaId, list);
  }
  const generalTeamAt = new Map<string, string>();
  for (const t of input.teams) if (t.active && t.categories.length === 0 && !generalTeamAt.has(t.areaId)) generalTeamAt.set(t.areaId, t.id);

  /** Ancestors and self, nearest first (only those the input holds). */
  // Remembered per area: a big round asks for the same few hundred units' chains 20,000 times.
  const chains = new Map<string, DistributionArea[]>();
  const chainOf = (a: DistributionArea) => {
    let chain = chains.get(a.id);
    if (!chain) {
      chain = a.path
        .split('/')
        .filter(Boolean)
        .reverse()
        .map((id) => byId.get(id))
        .filter((x): x is DistributionArea => x !== undefined);
      chains.set(a.id, chain);
    }
    return chain;
  };
  const addressOf = (a: DistributionArea, room: string | null) => {
    const names: string[] = [];
    for (const c of chainOf(a)) {
      if (c.kind === 'compound') break;
      if (c.kind !== 'grid') names.unshift(c.name);
    }
    if (names.length === 0) names.push(a.name);
    if (room) names.push(room);
    return names.join(' ');
  };
  const teamOf = (a: DistributionArea) => {
    for (const c of chainOf(a)) {
      const t = generalTeamAt.get(c.id);
      if (t) return t;
    }
    return null;
  };
  const buildingOf = (a: DistributionArea) => {
    const chain = chainOf(a);
    const building = chain.find((c) => c.kind === 'building');
    if (building) return building.id;
    return (chain.find((c) => c.kind !== 'household' && c.kind !== 'unit') ?? a).id;
  };
  const priorityTags = new Set<SpecialTag>(input.priorityTags ?? []);
  const isPriority = (tags: readonly SpecialTag[]) => (priorityTags.size === 0 ? tags.length > 0 : tags.some((t) => priorityTags.has(t)));

  const lines: Omit<DistributionLine, 'position'>[] = [];
  const unitsWithoutHouseholds: DistributionPlan['unitsWithoutHouseholds'] = [];
  const sortKey = new Map<Omit<DistributionLine, 'position'>, string[]>();
  const places = new Map<string, { buildingId: string; teamId: string | null; key: string[] }>();
  const line = (place: DistributionArea, householdArea: DistributionArea | null, room: string | null, key: string, people: DistributionResident[]) => {
    const tags = [...new Set(people.flatMap((p) => p.specialTags))];
    let at = places.get(place.id);
    if (!at) {
      at = { buildingId: buildingOf(place), teamId: teamOf(place), key: [...chainOf(place)].reverse().map((c) => c.name) };
      places.set(place.id, at);
    }
    const l = {
      householdKey: key,
      householdAreaId: householdArea?.id ?? null,
      placeId: place.id,
      room,
      buildingId: at.buildingId,
      address: addressOf(place, room),
      teamId: at.teamId,
      residentIds: people.map((p) => p.id),
      specialTags: tags,
      priority: isPriority(tags),
    };
    lines.push(l);
    sortKey.set(l, [...at.key, room ?? '']);
  };

  const visit = (a: DistributionArea) => {
    const below = children.get(a.id) ?? [];
    if (a.kind === 'household') {
      const people = [...(residentsAt.get(a.id) ?? [])];
      for (const c of below) people.push(...(residentsAt.get(c.id) ?? []));
      line(a, a, null, `a:${a.id}`, people);
      return;
    }
    const households = below.filter((c) => c.kind === 'household');
    const isContainer = a.kind === 'unit' || (a.kind === 'building' && !below.some((c) => c.kind === 'unit'));
    if (isContainer && households.length === 0) {
      const people = residentsAt.get(a.id) ?? [];
      const rooms = new Map<string, DistributionResident[]>();
      for (const p of people) {
        const key = p.homeDetail?.trim() ? `r:${a.id}:${p.homeDetail.trim()}` : `p:${p.id}`;
        rooms.set(key, [...(rooms.get(key) ?? []), p]);
      }
      if (rooms.size === 0 && !below.some((c) => CONTAINERS.has(c.kind))) {
        unitsWithoutHouseholds.push({ areaId: a.id, address: addressOf(a, null) });
      }
      for (const [key, group] of rooms) line(a, null, key.startsWith('r:') ? group[0]!.homeDetail!.trim() : null, key, group);
    }
    for (const c of below) visit(c);
  };
  visit(root);

  // Sorted by ranks computed once per distinct place and room (a few hundred, a few dozen), not
  // by collating names at each of a big round's ~300,000 comparisons.
  const rank = <T,>(values: Iterable<T>, compare: (a: T, b: T) => number) => new Map([...new Set(values)].sort(compare).map((v, i) => [v, i]));
  const placeKeys = new Map<string, string[]>();
  for (const l of lines) if (!placeKeys.has(l.placeId)) placeKeys.set(l.placeId, sortKey.get(l)!.slice(0, -1));
  const placeRank = rank(placeKeys.keys(), (a, b) => {
    const x = placeKeys.get(a)!;
    const y = placeKeys.get(b)!;
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const c = byName(x[i]!, y[i]!);
      if (c !== 0) return c;
    }
    return x.length - y.length;
  });
  const roomRank = rank(lines.map((l) => l.room ?? ''), byName);
  const ordered = [...lines].sort(
    (x, y) =>
      (x.priority === y.priority ? 0 : x.priority ? -1 : 1) ||
      placeRank.get(x.placeId)! - placeRank.get(y.placeId)! ||
      roomRank.get(x.room ?? '')! - roomRank.get(y.room ?? '')! ||
      byName(x.householdKey, y.householdKey),
  );
  unitsWithoutHouseholds.sort((x, y) => byName(x.address, y.address));
  return { lines: ordered.map((l, position) => ({ ...l, position })), unitsWithoutHouseholds };
}

/** Progress of a round: per building, and in all. */
export interface DistributionProgress {
  total: number;
  delivered: number;
  pending: number;
  /** delivered ÷ total, or null for an empty round. */
  share: number | null;
}

export function progressOf(total: number, delivered: number): DistributionProgress {
  return { total, delivered, pending: total - delivered, share: total === 0 ? null : delivered / total };
}
