import {
  AREA_KIND_LABELS,
  AVAILABILITY_LABELS,
  CATEGORY_LABELS,
  COMPOUND_TYPE_LABELS,
  CONTROL_LEVEL_LABELS,
  DUTY_ROLE_LABELS,
  SPECIAL_TAG_LABELS,
  type AreaKind,
  type Availability,
  type Category,
  type CompoundType,
  type ControlLevel,
  type DutyRole,
  type SpecialTag,
  type TeamRole,
} from '@minhu/domain';
import { fullTime } from '../services/format';
import type { AuditEntry, MemberChange, TeamMemberRow } from '@minhu/contracts';

export const TEAM_ROLE_LABELS: Record<TeamRole, string> = { leader: '队长', member: '队员' };

/** "综合服务队" when it takes every kind of need, else what it is for: "专门队：就医". */
export function teamKind(categories: readonly Category[]): string {
  return categories.length === 0 ? '综合服务队' : `专门队：${categories.map((c) => CATEGORY_LABELS[c]).join('、')}`;
}

/** "小区 · 城中村" for a compound, else the kind: "社区", "楼栋". */
export function areaKindLabel(kind: AreaKind, compoundType?: CompoundType | null): string {
  return kind === 'compound' && compoundType ? COMPOUND_TYPE_LABELS[compoundType] : AREA_KIND_LABELS[kind];
}

/** What changing an area's control level means, said before it is done. */
export function controlLevelConsequence(areaName: string, from: ControlLevel, to: ControlLevel): string {
  return `把“${areaName}”从${CONTROL_LEVEL_LABELS[from]}改为${CONTROL_LEVEL_LABELS[to]}。此后这里提交的求助按${CONTROL_LEVEL_LABELS[to]}的签收、办结时限办理，已提交的不变。会记录操作人和时间。`;
}

/** "暂不可用 · 替班：赵文博 · 居家隔离至 12 月 3 日". */
export function availabilityLine(member: Pick<TeamMemberRow, 'availability' | 'backupMemberId' | 'availabilityNote'>, team: readonly Pick<TeamMemberRow, 'id' | 'name'>[]): string {
  const parts: string[] = [AVAILABILITY_LABELS[member.availability]];
  if (member.availability !== 'on_duty') {
    const backup = member.backupMemberId ? team.find((m) => m.id === member.backupMemberId) : undefined;
    parts.push(backup ? `替班：${backup.name}` : '未指定替班');
  }
  if (member.availabilityNote) parts.push(member.availabilityNote);
  return parts.join(' · ');
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * Only what was changed, so the audit log records what someone meant to change (and a member
 * editing their own availability sends nothing else). An empty note counts as no note.
 */
export function memberChanges(current: TeamMemberRow, draft: Required<MemberChange>): MemberChange {
  const changes: MemberChange = {};
  if (draft.role !== current.role) changes.role = draft.role;
  if (!sameList(draft.dutyRoles, current.dutyRoles)) changes.dutyRoles = draft.dutyRoles;
  if (draft.active !== current.active) changes.active = draft.active;
  if (draft.availability !== current.availability) changes.availability = draft.availability;
  if ((draft.backupMemberId ?? null) !== (current.backupMemberId ?? null)) changes.backupMemberId = draft.backupMemberId ?? null;
  const note = draft.availabilityNote?.trim() || null;
  if (note !== (current.availabilityNote ?? null)) changes.availabilityNote = note;
  return changes;
}

/** 11-digit mainland mobile number, as the API requires. */
export const isMobile = (phone: string) => /^1[3-9]\d{9}$/.test(phone.trim());
/** A number someone can be called on: a mobile, or a landline with its area code (0311-86010001). */
export const isContactPhone = (phone: string) => /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/.test(phone.trim());

// ---- The audit log in plain words --------------------------------------------------------------

/** Names for the ids an audit entry holds, as far as they could be found. */
export interface NameBook {
  team(id: string): string | undefined;
  area(id: string): string | undefined;
  user(id: string): string | undefined;
}

export interface AuditChange {
  label: string;
  /** Absent when the thing was created. */
  before?: string;
  /** Absent when the thing was removed. */
  after?: string;
}

export interface AuditView {
  id: number;
  actor: string;
  action: string;
  target: string;
  at: string;
  changes: AuditChange[];
}

const ENTITY_LABELS: Record<string, string> = {
  area: '区域',
  team: '服务队',
  member: '队员',
  person: '人员',
  secretary: '书记',
  responsibility: '包保',
  invite: '邀请码',
  join_request: '入队申请',
  import: '组织台账',
};
const ACTION_WORDS: Record<string, string> = {
  create: '新建',
  update: '修改',
  delete: '删除',
  approve: '同意',
  reject: '拒绝',
  import: '导入',
};
/** Where the general "新建 + 队员" would read oddly. */
const SPECIAL_ACTIONS: Record<string, string> = {
  'area:control_level': '设置管控级别',
  'member:create': '添加队员',
  'member:update': '修改队员',
  'secretary:create': '设置书记',
  'responsibility:create': '安排包保',
  'responsibility:delete': '取消包保',
  'invite:create': '生成入队邀请码',
  'join_request:create': '申请入队',
  'join_request:approve': '同意入队申请',
  'join_request:reject': '拒绝入队申请',
  'import:import': '导入组织台账',
};

export const AUDIT_ENTITIES: { key: string; label: string }[] = [
  { key: '', label: '全部' },
  { key: 'area', label: '区域' },
  { key: 'team', label: '服务队' },
  { key: 'member', label: '队员' },
  { key: 'responsibility', label: '包保' },
  { key: 'join_request', label: '入队申请' },
  { key: 'invite', label: '邀请码' },
  { key: 'import', label: '台账导入' },
];

const FIELD_LABELS: Record<string, string> = {
  controlLevel: '管控级别',
  name: '名称',
  phone: '电话',
  categories: '负责类别',
  active: '状态',
  role: '职务',
  dutyRoles: '岗位',
  availability: '在岗状态',
  backupMemberId: '替班队员',
  availabilityNote: '说明',
  status: '状态',
  code: '编码',
  maxUses: '可用次数',
  expiresAt: '有效期至',
  teamId: '服务队',
  memberId: '队员',
  areaId: '区域',
  personId: '人员',
  files: '文件',
  counts: '结果',
  kind: '类型',
  parent: '上级编码',
  area: '区域编码',
  team: '服务队编码',
  member: '队员手机号',
  target: '包保对象编码',
  user: '手机号',
  defaultTeamId: '兜底服务队',
  compoundType: '小区类型',
  homeAreaId: '住址',
  homeDetail: '门牌号',
  specialTags: '重点人员类别',
};
/** Bookkeeping, not what anyone changed. */
const HIDDEN_FIELDS = new Set(['id', 'createdAt', 'updatedAt', 'decidedAt', 'decidedById', 'inviteId', 'userId', 'createdById', 'uses', 'revokedAt']);

/** Fields the headline already names (see targetOf), not repeated below it. */
const IN_TARGET: Record<string, readonly string[]> = {
  responsibility: ['memberId', 'areaId', 'personId'],
  invite: ['teamId'],
  join_request: ['teamId'],
};

const SHEET_TITLES: Record<string, string> = {
  areas: '区域',
  teams: '服务队',
  people: '人员',
  members: '队员',
  officials: '书记和管理员',
  responsibilities: '包保',
};
const JOIN_STATUS: Record<string, string> = { pending: '待审核', approved: '已同意', rejected: '已拒绝' };

const labelsOf = <K extends string>(labels: Record<K, string>, value: unknown) =>
  Array.isArray(value) ? value.map((v) => labels[v as K] ?? String(v)).join('、') || '无' : '无';

function valueText(entity: string, key: string, value: unknown, names: NameBook): string {
  if (value === null || value === undefined || value === '') return '无';
  const id = String(value);
  switch (key) {
    case 'controlLevel':
      return CONTROL_LEVEL_LABELS[value as ControlLevel] ?? id;
    case 'availability':
      return AVAILABILITY_LABELS[value as Availability] ?? id;
    case 'role':
      return TEAM_ROLE_LABELS[value as TeamRole] ?? id;
    case 'dutyRoles':
      return labelsOf<DutyRole>(DUTY_ROLE_LABELS, value);
    case 'categories':
      return Array.isArray(value) && value.length === 0 ? '综合（不限类别）' : labelsOf<Category>(CATEGORY_LABELS, value);
    case 'specialTags':
      return labelsOf<SpecialTag>(SPECIAL_TAG_LABELS, value);
    case 'kind':
      return AREA_KIND_LABELS[value as AreaKind] ?? id;
    case 'compoundType':
      return COMPOUND_TYPE_LABELS[value as CompoundType] ?? id;
    case 'active':
      if (entity === 'team') return value ? '启用' : '停用';
      return value ? '在队' : '已离队';
    case 'status':
      return JOIN_STATUS[id] ?? id;
    case 'expiresAt':
      return Number.isNaN(Date.parse(id)) ? id : fullTime(id);
    case 'teamId':
    case 'defaultTeamId':
      return names.team(id) ?? '（一支服务队）';
    case 'memberId':
    case 'backupMemberId':
      return names.user(id) ?? '（一位队员）';
    case 'personId':
      return names.user(id) ?? '（一位人员）';
    case 'areaId':
    case 'homeAreaId':
      return names.area(id) ?? '（一个区域）';
    case 'counts': {
      const tallies = Object.entries(value as Record<string, { created?: number; updated?: number }>)
        .filter(([, c]) => c.created || c.updated)
        .map(([sheet, c]) => `${SHEET_TITLES[sheet] ?? sheet} 新建 ${c.created ?? 0}、更新 ${c.updated ?? 0}`);
      return tallies.join('；') || '无变化';
    }
  }
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (Array.isArray(value)) return value.map(String).join('、') || '无';
  if (typeof value === 'object') return JSON.stringify(value);
  return id;
}

function targetOf(entry: AuditEntry, names: NameBook): string {
  const record = entry.after ?? entry.before ?? {};
  const id = entry.entityId ?? '';
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (entry.entity) {
    case 'area':
      return names.area(id) ?? str(record.name);
    case 'team':
      return names.team(id) ?? str(record.name);
    case 'member': {
      const [teamId = '', userId = ''] = id.split(':');
      const who = names.user(userId) ?? str(record.name) ?? '';
      const team = names.team(teamId);
      return [who || '一位队员', team ? `（${team}）` : ''].join('');
    }
    case 'responsibility': {
      const who = names.user(str(record.memberId)) ?? '';
      const what = record.areaId ? names.area(str(record.areaId)) : record.personId ? names.user(str(record.personId)) : undefined;
      return who && what ? `${who} → ${what}` : who;
    }
    case 'invite':
    case 'join_request':
      return names.team(str(record.teamId)) ?? '';
    case 'import':
      return Array.isArray(record.files) ? record.files.join('、') : '';
    default:
      return str(record.name);
  }
}

/** One audit entry, said the way a person would: who did what to what, and what changed. */
export function describeAudit(entry: AuditEntry, names: NameBook): AuditView {
  const action =
    SPECIAL_ACTIONS[`${entry.entity}:${entry.action}`] ?? `${ACTION_WORDS[entry.action] ?? entry.action}${ENTITY_LABELS[entry.entity] ?? entry.entity}`;
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const target = targetOf(entry, names);
  const repeated = target ? (IN_TARGET[entry.entity] ?? []) : [];
  const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])].filter((k) => !HIDDEN_FIELDS.has(k) && !repeated.includes(k));
  const changes: AuditChange[] = [];
  for (const key of keys) {
    const label = key === 'code' && (entry.entity === 'invite' || entry.entity === 'join_request') ? '邀请码' : (FIELD_LABELS[key] ?? key);
    const text = (value: unknown) => valueText(entry.entity, key, value, names);
    if (!entry.before) {
      if (after[key] !== null && after[key] !== undefined) changes.push({ label, after: text(after[key]) });
    } else if (!entry.after) {
      if (before[key] !== null && before[key] !== undefined) changes.push({ label, before: text(before[key]) });
    } else if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      changes.push({ label, before: text(before[key]), after: text(after[key]) });
    }
  }
  return {
    id: entry.id,
    actor: entry.actorName ?? (entry.actorId ? '（已删除的用户）' : '系统（命令行导入）'),
    action,
    target,
    at: entry.at,
    changes,
  };
}

/** One change as a line: "管控级别：常态 → 封控区", or "名称：3号楼" for something new or removed. */
export function changeLine(change: AuditChange): string {
  if (change.before !== undefined && change.after !== undefined) return `${change.label}：${change.before} → ${change.after}`;
  return `${change.label}：${change.after ?? change.before ?? '无'}`;
}

/** The ids in these entries that need names: teams, the teams whose members to look up, areas. */
export function idsToName(entries: readonly AuditEntry[]): { teams: string[]; memberTeams: string[]; areas: string[] } {
  const teams = new Set<string>();
  const memberTeams = new Set<string>();
  const areas = new Set<string>();
  for (const e of entries) {
    const records = [e.before, e.after].filter((r): r is Record<string, unknown> => r !== null);
    if (e.entity === 'team' && e.entityId) teams.add(e.entityId);
    if (e.entity === 'area' && e.entityId) areas.add(e.entityId);
    if (e.entity === 'member' && e.entityId) memberTeams.add(e.entityId.split(':')[0]!);
    for (const r of records) {
      if (typeof r.teamId === 'string') teams.add(r.teamId);
      if (typeof r.areaId === 'string') areas.add(r.areaId);
      if (typeof r.teamId === 'string' && (r.memberId || r.personId)) memberTeams.add(r.teamId);
    }
  }
  return { teams: [...teams], memberTeams: [...memberTeams], areas: [...areas] };
}
