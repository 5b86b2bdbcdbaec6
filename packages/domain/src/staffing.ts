/**
 * 力量缺口 (the staffing gap): "摸清……防控工作力量缺口,将工作力量迅速向……倾斜". Per compound and team,
 * how far the open needs outrun the members on duty. One definition, used wherever the figure is
 * shown (README, "Time limits, escalation and the figures secretaries watch").
 */

/** What one member on duty can carry at once: the same number as a team's default maxOpenPerMember. */
export const OPEN_PER_MEMBER = 8;

export interface StaffingCounts {
  /** Open tickets (assigned, claimed, in progress) of the team in the area. */
  open: number;
  /** Of those, past a due time. */
  overdue: number;
  /** Active members of the team on duty now. */
  onDuty: number;
  /** Key persons (special tags) in the area with nobody responsible for them (包保). */
  specialUncovered: number;
}

export interface StaffingFigures {
  /** open ÷ onDuty; null when nobody is on duty. */
  openPerOnDuty: number | null;
  /**
   * load − capacity, where load = open + overdue + specialUncovered (an overdue need counts twice:
   * it is open and it is late; a key person nobody looks after is work nobody holds) and capacity =
   * onDuty × OPEN_PER_MEMBER. Positive: needs outrun hands by that many tickets' worth; zero or
   * below: the team has room (how much, as a negative number). Nobody on duty: the whole load.
   */
  gap: number;
  /** Members to second there to close the gap: ceil(gap ÷ OPEN_PER_MEMBER), at least 0. */
  membersNeeded: number;
}

export function staffingGap(c: StaffingCounts): StaffingFigures {
  const load = c.open + c.overdue + c.specialUncovered;
  const gap = load - c.onDuty * OPEN_PER_MEMBER;
  return {
    openPerOnDuty: c.onDuty === 0 ? null : Math.round((c.open / c.onDuty) * 100) / 100,
    gap,
    membersNeeded: gap > 0 ? Math.ceil(gap / OPEN_PER_MEMBER) : 0,
  };
}

/**
 * The secretary's order: largest gap first; at an equal gap, the heavier load per member on duty
 * (nobody on duty first), then by name.
 */
export function byGap<T extends { gap: number; openPerOnDuty: number | null; areaName: string }>(a: T, b: T): number {
  if (a.gap !== b.gap) return b.gap - a.gap;
  const x = a.openPerOnDuty ?? Infinity;
  const y = b.openPerOnDuty ?? Infinity;
  if (x !== y) return y - x;
  return a.areaName.localeCompare(b.areaName, 'zh-CN');
}
