// The vocabulary of the domain (see shared/docs/domain.md). Values are the codes stored in the
// database and spoken by the API; the Chinese labels are what people read.

export const CATEGORIES = ['medicine', 'supplies', 'medical', 'help'] as const;
export type Category = (typeof CATEGORIES)[number];
export const CATEGORY_LABELS: Record<Category, string> = {
  medicine: '购药',
  supplies: '生活物资',
  medical: '就医',
  help: '其他求助',
};

export const URGENCIES = ['normal', 'urgent', 'emergency'] as const;
export type Urgency = (typeof URGENCIES)[number];
export const URGENCY_LABELS: Record<Urgency, string> = {
  normal: '一般',
  urgent: '加急',
  emergency: '紧急',
};

export const TICKET_STATUSES = [
  'assigned',
  'claimed',
  'in_progress',
  'resolved',
  'closed',
  'cancelled',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const STATUS_LABELS: Record<TicketStatus, string> = {
  assigned: '待签收',
  claimed: '已签收',
  in_progress: '办理中',
  resolved: '已办结',
  closed: '已完成',
  cancelled: '已取消',
};

export const AREA_KINDS = [
  'district',
  'subdistrict',
  'community',
  'village',
  'compound',
  'grid',
  'building',
  'unit',
  'household',
] as const;
export type AreaKind = (typeof AREA_KINDS)[number];
export const AREA_KIND_LABELS: Record<AreaKind, string> = {
  district: '区',
  subdistrict: '街道',
  community: '社区',
  village: '村',
  compound: '小区',
  grid: '网格',
  building: '楼栋',
  unit: '单元',
  household: '户',
};
/** Kinds a ticket's address may be: the compound itself or anything inside it. */
export const ADDRESS_KINDS: readonly AreaKind[] = ['compound', 'grid', 'building', 'unit', 'household'];

export const COMPOUND_TYPES = ['residential', 'urban_village', 'key_village', 'unmanaged'] as const;
export type CompoundType = (typeof COMPOUND_TYPES)[number];
export const COMPOUND_TYPE_LABELS: Record<CompoundType, string> = {
  residential: '小区',
  urban_village: '城中村',
  key_village: '重点村',
  unmanaged: '三无小区',
};

export const CONTROL_LEVELS = ['none', 'precaution', 'controlled', 'sealed'] as const;
export type ControlLevel = (typeof CONTROL_LEVELS)[number];
export const CONTROL_LEVEL_LABELS: Record<ControlLevel, string> = {
  none: '常态',
  precaution: '防范区',
  controlled: '管控区',
  sealed: '封控区',
};

/** 重点人员: people whose needs come first. */
export const SPECIAL_TAGS = [
  'living_alone',
  'elderly',
  'pregnant',
  'dialysis',
  'chemotherapy',
  'chronic_illness',
  'disabled',
  'infant',
  'chronic',
  'low_income',
] as const;
export type SpecialTag = (typeof SPECIAL_TAGS)[number];
export const SPECIAL_TAG_LABELS: Record<SpecialTag, string> = {
  living_alone: '独居',
  elderly: '高龄',
  pregnant: '孕产妇',
  dialysis: '透析',
  chemotherapy: '放化疗',
  chronic_illness: '慢性病',
  disabled: '残疾',
  infant: '婴幼儿',
  chronic: '慢病',
  low_income: '低收入',
};

export const TEAM_ROLES = ['leader', 'member'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export const AVAILABILITIES = ['on_duty', 'off_duty', 'unavailable'] as const;
export type Availability = (typeof AVAILABILITIES)[number];
export const AVAILABILITY_LABELS: Record<Availability, string> = {
  on_duty: '在岗',
  off_duty: '休息',
  unavailable: '暂不可用',
};

/** 信息员, 巡查员, 宣传员, 卫生员, 安全员. */
export const DUTY_ROLES = ['information', 'patrol', 'publicity', 'health', 'safety'] as const;
export type DutyRole = (typeof DUTY_ROLES)[number];

export const DUTY_ROLE_LABELS: Record<DutyRole, string> = {
  information: '信息员',
  patrol: '巡查员',
  publicity: '宣传员',
  health: '卫生员',
  safety: '安全员',
};

export const USER_ROLES = ['resident', 'member', 'leader', 'secretary', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const EVENT_TYPES = [
  'created',
  'assigned',
  'claimed',
  'started',
  'note',
  'transferred',
  'resolved',
  'confirmed',
  'closed',
  'reopened',
  'cancelled',
  'escalated',
  // 首接负责: a hand-off asked for (the ticket stays until the receiving team accepts), declined.
  'handoff_requested',
  'handoff_declined',
  // 退单 and its ruling.
  'return_requested',
  'return_approved',
  'return_rejected',
  // 延期: asked for, granted (`extended`), refused.
  'extension_requested',
  'extended',
  'extension_rejected',
  // On the ticket that stays: another was merged into it (its people now follow this one).
  'merged',
  /** The one a ticket was filed for by phone said it is theirs, or not (issue 16.2). */
  'beneficiary_accepted',
  'beneficiary_declined',
  // The sweep: claimed and then neither started nor noted within staleClaimSeconds (once).
  'stale_claim',
  /** Text held by the content check (issue 16.9) released by the leader. */
  'content_released',
  // 暂停计时: the resolve clock stopped until a time, with a reason; resumed (early, or by hand after).
  'paused',
  'resumed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const URGENCY_RANK: Record<Urgency, number> = { normal: 0, urgent: 1, emergency: 2 };
export function maxUrgency(a: Urgency, b: Urgency): Urgency {
  return URGENCY_RANK[a] >= URGENCY_RANK[b] ? a : b;
}

/** The strictest control level on an address's chain: a sealed building in an open compound is sealed. */
export function strictestControlLevel(levels: readonly ControlLevel[]): ControlLevel {
  let strictest: ControlLevel = 'none';
  for (const level of levels) {
    if (CONTROL_LEVELS.indexOf(level) > CONTROL_LEVELS.indexOf(strictest)) strictest = level;
  }
  return strictest;
}

/** 138****0001: enough to recognise a number, not enough to call it. */
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}
