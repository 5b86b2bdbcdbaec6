import { CATEGORIES, CATEGORY_LABELS, CONTROL_LEVEL_LABELS, DEFAULT_POLICIES, URGENCIES, URGENCY_LABELS } from '@minhu/domain';
import type { Policy } from '@minhu/contracts';
import type { PoliciesRepository } from '@minhu/db';
import { badRequest, forbidden } from '../errors.js';
import type { Viewer } from './viewer.js';

/** A category and urgency in words: 购药·普通 (issue 16.7: the messages name them in Chinese). */
const spoken = (category: Policy['category'], urgency: Policy['urgency'], level?: string) =>
  [CATEGORY_LABELS[category], URGENCY_LABELS[urgency], ...(level ? [level] : [])].join('·');

/** Time-limit policies: everyone may read what is in force; admins replace the whole set. */
export function createPoliciesService(deps: { policies: PoliciesRepository }) {
  const { policies } = deps;
  return {
    async list() {
      const items = await policies.all();
      if (items.length > 0) return { items, source: 'custom' as const };
      // The built-in set: every category × urgency, and tighter rows for 管控区 and 封控区.
      return { source: 'default' as const, items: [...DEFAULT_POLICIES] };
    },

    async replace(viewer: Viewer, body: Policy[], now: Date) {
      if (!viewer.isAdmin) throw forbidden('只有管理员可以修改时限。');
      const problems: string[] = [];
      const seen = new Set<string>();
      for (const [i, p] of body.entries()) {
        const key = `${p.category}/${p.urgency}/${p.controlLevel ?? '全部'}`;
        if (seen.has(key)) problems.push(`第 ${i + 1} 条重复：${spoken(p.category, p.urgency, p.controlLevel ? CONTROL_LEVEL_LABELS[p.controlLevel] : '全部')} (${key})`);
        seen.add(key);
        if (p.resolveWithinSeconds < p.claimWithinSeconds) problems.push(`第 ${i + 1} 条的办结时限短于签收时限`);
      }
      const missing = CATEGORIES.flatMap((c) => URGENCIES.filter((u) => !seen.has(`${c}/${u}/全部`)).map((u) => `${spoken(c, u)} (${c}/${u})`));
      if (missing.length > 0) problems.push(`缺少不分管控级别的时限：${missing.join('、')}`);
      if (problems.length > 0) {
        throw badRequest('INVALID_POLICIES', `时限设置不完整或有误：${problems[0]}`, { problems });
      }
      await policies.replace(body.map((p) => ({ ...p, controlLevel: p.controlLevel ?? null, staleClaimSeconds: p.staleClaimSeconds ?? null })), viewer.id, now);
      return this.list();
    },
  };
}

export type PoliciesService = ReturnType<typeof createPoliciesService>;
