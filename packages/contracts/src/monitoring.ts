import { Type, type Static } from 'typebox';
import { CATEGORIES, CONTROL_LEVELS, NOTIFICATION_TYPES, URGENCIES } from '@minhu/domain';
import { DateTime, Id, ListQuery, Nullable, StringEnum } from './common.js';

export const MAX_CLAIM_SECONDS = 7 * 24 * 3600;
export const MAX_RESOLVE_SECONDS = 90 * 24 * 3600;

export const Policy = Type.Object(
  {
    category: StringEnum(CATEGORIES),
    urgency: StringEnum(URGENCIES),
    controlLevel: Type.Optional(Nullable(StringEnum(CONTROL_LEVELS))),
    claimWithinSeconds: Type.Integer({ minimum: 1, maximum: MAX_CLAIM_SECONDS, description: '签收时限 (秒)' }),
    resolveWithinSeconds: Type.Integer({ minimum: 1, maximum: MAX_RESOLVE_SECONDS, description: '办结时限 (秒)，不短于签收时限' }),
    staleClaimSeconds: Type.Optional(
      Nullable(Type.Integer({ minimum: 60, maximum: MAX_RESOLVE_SECONDS, description: '签收后未开始办理、也没有备注多久提醒队长 (秒)；不填即签收时限' })),
    ),
  },
  { additionalProperties: false },
);
export type Policy = Static<typeof Policy>;
export const PolicyList = Type.Object({
  items: Type.Array(Policy),
  /** default: no policy set, the built-in time limits are in force. */
  source: StringEnum(['default', 'custom'] as const),
});
export const PutPoliciesBody = Type.Array(Policy, { minItems: 1, maxItems: 500 });

export const Notification = Type.Object({
  id: Id,
  type: StringEnum(NOTIFICATION_TYPES),
  ticketId: Nullable(Id),
  title: Type.String(),
  body: Type.String(),
  createdAt: DateTime,
  readAt: Nullable(DateTime),
});
export type Notification = Static<typeof Notification>;
export const NotificationsQuery = Type.Object(
  { unread: Type.Optional(Type.Boolean()), ...ListQuery },
  { additionalProperties: false },
);
export const NotificationList = Type.Object({
  items: Type.Array(Notification),
  nextCursor: Nullable(Type.String()),
  unreadCount: Type.Integer(),
});
export const Updated = Type.Object({ updated: Type.Integer({ description: '改为已读的条数' }) });
export const MarkReadBody = Type.Object(
  { ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 100 })) },
  { additionalProperties: false },
);

export const MetricsQuery = Type.Object(
  {
    areaId: Type.Optional(Id),
    teamId: Type.Optional(Id),
    from: Type.Optional(
      Type.Union([Type.String({ format: 'date-time' }), Type.String({ format: 'date' })], {
        description: '窗口开始 (含)，按工单提交时间；只写日期 (2026-12-01) 即北京时间当天 0 点；默认 30 天前',
      }),
    ),
    to: Type.Optional(
      Type.Union([Type.String({ format: 'date-time' }), Type.String({ format: 'date' })], {
        description: '窗口结束 (不含)；只写日期即北京时间当天 0 点；默认现在',
      }),
    ),
  },
  { additionalProperties: false },
);
export type MetricsQuery = Static<typeof MetricsQuery>;

const Figures = {
  total: Type.Integer(),
  claimed: Type.Integer(),
  claimedOnTime: Type.Integer(),
  responseRate: Nullable(Type.Number()),
  resolved: Type.Integer(),
  resolutionRate: Nullable(Type.Number()),
  rated: Type.Integer(),
  satisfied: Type.Integer(),
  satisfactionRate: Nullable(Type.Number()),
  medianClaimSeconds: Nullable(Type.Number()),
  p90ClaimSeconds: Nullable(Type.Number()),
  medianResolveSeconds: Nullable(Type.Number()),
  p90ResolveSeconds: Nullable(Type.Number()),
  overdueOpen: Type.Integer(),
};
export const TeamFigures = Type.Object({ teamId: Nullable(Id), teamName: Type.String(), ...Figures });
export const MetricsSummary = Type.Object({
  from: DateTime,
  to: DateTime,
  ...Figures,
  byTeam: Type.Array(TeamFigures),
});
export type MetricsSummary = Static<typeof MetricsSummary>;

export const DailySeries = Type.Object({
  from: DateTime,
  to: DateTime,
  /** Days in China time (Asia/Shanghai), oldest first. */
  items: Type.Array(
    Type.Object({ date: Type.String(), created: Type.Integer(), claimed: Type.Integer(), resolved: Type.Integer(), overdue: Type.Integer() }),
  ),
});
export type DailySeries = Static<typeof DailySeries>;

export const MemberLoad = Type.Object({
  items: Type.Array(
    Type.Object({
      userId: Id,
      name: Type.String(),
      teamId: Id,
      teamName: Type.String(),
      role: Type.String(),
      active: Type.Boolean(),
      open: Type.Integer(),
      overdue: Type.Integer(),
      claimed: Type.Integer(),
      resolved: Type.Integer(),
    }),
  ),
});
export type MemberLoad = Static<typeof MemberLoad>;

export const StaffingQuery = Type.Object(
  { areaId: Type.Optional(Id) },
  { additionalProperties: false, description: '不填：本人所管的全部区域 (书记)，或所带的服务队 (队长)' },
);
export type StaffingQuery = Static<typeof StaffingQuery>;

/** 力量缺口: per compound and team (staffingGap in the domain). */
export const StaffingRow = Type.Object({
  areaId: Id,
  areaName: Type.String(),
  areaKind: Type.String(),
  teamId: Id,
  teamName: Type.String(),
  open: Type.Integer({ description: '在办：本队已派单、已签收、办理中的工单' }),
  overdue: Type.Integer({ description: '其中已超时的' }),
  onDuty: Type.Integer({ description: '在岗队员 (含借调来的，不含借调出去的)' }),
  seconded: Type.Integer({ description: '借调到本队、仍在期内的队员' }),
  openPerOnDuty: Nullable(Type.Number({ description: '在办 ÷ 在岗；无人在岗时为 null' })),
  specialUncovered: Type.Integer({ description: '片区内无人包保的重点人员' }),
  gap: Type.Integer({ description: '缺口 = 在办 + 超时 + 无人包保的重点人员 − 在岗 × 8；大于 0 即人手不够' }),
  membersNeeded: Type.Integer({ description: '补齐缺口需借调的人数：⌈缺口 ÷ 8⌉' }),
});
export const Staffing = Type.Object({
  items: Type.Array(StaffingRow, { description: '按缺口从大到小；缺口相同，人均在办多的在前' }),
  at: DateTime,
});
export type Staffing = Static<typeof Staffing>;

export const DeliveriesQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(['pending', 'sent', 'failed'] as const)),
    channel: Type.Optional(StringEnum(['wechat', 'sms'] as const)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: '最近的多少条，默认 50' })),
  },
  { additionalProperties: false },
);
export type DeliveriesQuery = Static<typeof DeliveriesQuery>;

export const Delivery = Type.Object({
  id: Id,
  channel: Type.String(),
  status: Type.String(),
  attempts: Type.Integer({ minimum: 0 }),
  lastError: Nullable(Type.String()),
  nextAttemptAt: DateTime,
  sentAt: Nullable(DateTime),
  createdAt: DateTime,
  type: StringEnum(NOTIFICATION_TYPES),
  ticketId: Nullable(Id),
  ticketNumber: Nullable(Type.String()),
  recipientName: Type.String(),
});
export const DeliveryList = Type.Object({ items: Type.Array(Delivery) });
export type DeliveryList = Static<typeof DeliveryList>;
