import type { SpecialTag } from './model.js';

/**
 * The people register: who the system knows, and how their special tags (重点人员类别) come to
 * count. Tags from the ledger or set by a leader, secretary or admin are verified and raise
 * priority; tags a resident declares for themself wait as pending until someone verifies them
 * (otherwise anyone could jump the queue by ticking 高龄).
 */

/** How a person hears about their tickets: the app, a text message, a member's call, or not at all. */
export const NOTIFY_BY = ['app', 'sms', 'call', 'none'] as const;
export type NotifyBy = (typeof NOTIFY_BY)[number];
export const NOTIFY_BY_LABELS: Record<NotifyBy, string> = {
  app: '小程序',
  sms: '短信',
  call: '队员电话告知',
  none: '无法联系 (上门)',
};

/**
 * What a resident's own declaration of tags leaves pending: the tags they ask for that are not
 * verified yet, or none when they ask for exactly what is verified. Declaring fewer tags than are
 * verified takes none away (only a verifier does that), so it leaves nothing pending either.
 */
export function pendingTagsFor(declared: readonly SpecialTag[], verified: readonly SpecialTag[]): SpecialTag[] {
  const asked = [...new Set(declared)];
  return asked.some((t) => !verified.includes(t)) ? asked : [];
}

/**
 * The channel for a person who chose none: the app once they have used it, else a member's call
 * when there is a number to call, else nobody can be told (a member visits).
 */
export function notifyByOf(person: { notifyBy: NotifyBy | null; hasApp: boolean; phone: string | null }): NotifyBy {
  if (person.notifyBy) return person.notifyBy;
  if (person.hasApp) return 'app';
  return person.phone ? 'call' : 'none';
}

/** A mainland mobile number (11 digits, 1 then 3–9). */
export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/**
 * How a beneficiary typed by the filer is matched to the register: by phone first (a number is
 * one person), else by name among the people living at the same household or unit, and only
 * when that name is unambiguous there and the person found has no other number on record (a
 * typed number that is someone else's means another person). Null: nobody matched, a new person
 * is added.
 */
export function matchPerson<P extends { id: string; name: string; phone: string | null }>(
  typed: { name: string; phone?: string | null },
  byPhone: P | null,
  atHome: readonly P[],
): P | null {
  if (byPhone) return byPhone;
  const name = normaliseName(typed.name);
  const same = atHome.filter((p) => normaliseName(p.name) === name);
  if (same.length !== 1) return null;
  const found = same[0]!;
  return !typed.phone || found.phone === null ? found : null;
}

/** Names as people type them: no spaces (孙 桂英 is 孙桂英), full-width letters as half-width. */
export function normaliseName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '');
}
