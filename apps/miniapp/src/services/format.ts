import type { Category, TicketStatus, Urgency } from '@minhu/domain';
import { CATEGORY_LABELS, STATUS_LABELS, URGENCY_LABELS } from '@minhu/domain';

export { CATEGORY_LABELS, STATUS_LABELS, URGENCY_LABELS };

const pad = (n: number) => String(n).padStart(2, '0');
const dayStart = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();

/** "3分钟前", "今天 14:05", "昨天 09:30", "11月26日 18:00". */
export function humanTime(iso: string, now = new Date()): string {
  const at = new Date(iso);
  const seconds = Math.round((now.getTime() - at.getTime()) / 1000);
  if (seconds >= 0 && seconds < 60) return '刚刚';
  if (seconds >= 0 && seconds < 3600) return `${Math.floor(seconds / 60)}分钟前`;
  const hm = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const days = Math.round((dayStart(now) - dayStart(at)) / 86_400_000);
  if (days === 0) return `今天 ${hm}`;
  if (days === 1) return `昨天 ${hm}`;
  return `${at.getMonth() + 1}月${at.getDate()}日 ${hm}`;
}

/** The full time, for the detail page: "2026年11月28日 14:05". */
export function fullTime(iso: string): string {
  const at = new Date(iso);
  return `${at.getFullYear()}年${at.getMonth() + 1}月${at.getDate()}日 ${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** How long, in words: "25 分钟", "3 小时 10 分钟", "2 天 4 小时". */
export function duration(ms: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  if (minutes < 60) return `${minutes} 分钟`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} 小时 ${minutes % 60} 分钟` : `${hours} 小时`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} 天 ${hours % 24} 小时` : `${days} 天`;
}

/** A due time as a countdown: "剩余 25 分钟" or "已超时 1 小时 5 分钟". */
export function countdown(dueIso: string | null, now = new Date()): { text: string; overdue: boolean } | null {
  if (!dueIso) return null;
  const left = new Date(dueIso).getTime() - now.getTime();
  return left >= 0 ? { text: `剩余 ${duration(left)}`, overdue: false } : { text: `已超时 ${duration(left)}`, overdue: true };
}

export const categoryLabel = (c: Category) => CATEGORY_LABELS[c];
export const statusLabel = (s: TicketStatus) => STATUS_LABELS[s];
export const urgencyLabel = (u: Urgency) => URGENCY_LABELS[u];

/** What happens next, said to the resident after filing. */
export function promiseOf(responseDueAt: string, createdAt: string): string {
  return `社区服务队将在 ${duration(new Date(responseDueAt).getTime() - new Date(createdAt).getTime())}内联系您`;
}

export const EVENT_LABELS: Record<string, string> = {
  created: '提交求助',
  assigned: '派单',
  claimed: '签收',
  started: '开始办理',
  note: '办理记录',
  transferred: '转交',
  handoff_requested: '申请转交',
  handoff_declined: '拒收转交',
  return_requested: '申请退单',
  return_approved: '退单已同意',
  return_rejected: '退单被驳回',
  extension_requested: '申请延期',
  extended: '延期',
  extension_rejected: '延期被驳回',
  resolved: '办结',
  confirmed: '确认评价',
  closed: '完成',
  reopened: '重新办理',
  cancelled: '取消',
  escalated: '督办升级',
  merged: '合并',
  beneficiary_accepted: '求助对象确认是本人需求',
  beneficiary_declined: '求助对象表示不是本人需求',
  stale_claim: '签收后未办理',
  paused: '暂停计时',
  resumed: '恢复计时',
};
