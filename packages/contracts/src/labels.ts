/**
 * The Chinese name of every field a request can carry, for validation messages ("缺少必填项：原因")
 * and forms. A field without one fails tests/unit/endpoints.test.ts, so a new field gets its label
 * with its schema. The machine name stays in `details[].field`.
 */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  active: '是否在队',
  areaId: '地址',
  assigneeId: '指派的队员',
  attachments: '附件',
  availability: '在岗状态',
  availabilityNote: '在岗说明',
  backupMemberId: '替班队员',
  before: '翻页编号',
  beneficiary: '求助对象',
  categories: '负责类别',
  category: '求助类别',
  claimWithinSeconds: '签收时限',
  code: '编码',
  comment: '评价',
  contactName: '联系人',
  contactPhone: '联系电话',
  controlLevel: '管控级别',
  cursor: '翻页游标',
  description: '求助内容',
  dryRun: '只检查',
  dutyRoles: '岗位',
  entity: '记录类别',
  from: '开始时间',
  homeAreaId: '住址',
  homeDetail: '门牌号',
  hours: '有效小时数',
  householdAreaId: '住户',
  id: '编号',
  'idempotency-key': '提交键',
  ids: '消息',
  intoTicketId: '合并到的工单',
  items: '物品',
  limit: '每页条数',
  lineId: '发放行',
  maxOpenPerMember: '每名队员最多同时办理',
  maxUses: '最多使用次数',
  memberId: '队员',
  mine: '只看我的',
  name: '名称',
  note: '备注',
  open: '只看未办结',
  overdue: '只看超时',
  parentId: '上级区域',
  personId: '人员',
  phone: '手机号',
  priorityTags: '优先的特殊情况',
  q: '搜索词',
  quantity: '数量',
  rating: '评分',
  reason: '原因',
  refreshToken: '刷新令牌',
  resolveWithinSeconds: '办结时限',
  role: '职务',
  satisfied: '是否满意',
  scope: '范围',
  specialTags: '特殊情况',
  notifyBy: '通知方式',
  method: '回访方式',
  kind: '记录类型',
  channel: '发送渠道',
  staleClaimSeconds: '签收后未办理提醒时限',
  callBack: '请回电',
  status: '状态',
  tag: '特殊情况',
  tagged: '只看重点人员',
  teamId: '服务队',
  text: '内容',
  ticketId: '工单',
  ticketIds: '工单',
  to: '结束时间',
  unit: '单位',
  unread: '只看未读',
  until: '截止时间',
  urgency: '紧急程度',
  userId: '队员',
  version: '版本号',
};

/** A field path (items.0.quantity) in words: 物品第 1 项的数量. Unknown names stay as they are. */
export function fieldLabel(path: string): string {
  const parts = path.split('.').filter(Boolean);
  let out = '';
  for (const part of parts) {
    if (/^\d+$/.test(part)) out += `第 ${Number(part) + 1} 项`;
    else out += (out ? '的' : '') + (FIELD_LABELS[part] ?? part);
  }
  return out;
}
