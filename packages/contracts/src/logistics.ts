import { Type, type Static } from 'typebox';
import { SPECIAL_TAGS } from '@minhu/domain';
import { DateTime, Id, ListQuery, Nullable, StringEnum, Text } from './common.js';

/** Lockdown logistics: distribution rounds (健康包等物资按户发放). */


export const DistributionItem = Type.Object(
  {
    name: Text(50),
    quantity: Type.Number({ exclusiveMinimum: 0, maximum: 10000, description: '每户数量，大于 0' }),
    unit: Text(10),
  },
  { additionalProperties: false },
);

export const CreateDistributionBody = Type.Object(
  {
    name: Text(100),
    areaId: Id,
    items: Type.Array(DistributionItem, { minItems: 1, maxItems: 20 }),
    priorityTags: Type.Optional(Type.Array(StringEnum(SPECIAL_TAGS), { maxItems: SPECIAL_TAGS.length, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type CreateDistributionBody = Static<typeof CreateDistributionBody>;

const Progress = {
  total: Type.Integer({ description: '户数' }),
  delivered: Type.Integer({ description: '已发放户数' }),
  pending: Type.Integer({ description: '未发放户数' }),
  share: Nullable(Type.Number({ description: '已发放 ÷ 户数' })),
};

export const Distribution = Type.Object({
  id: Id,
  name: Type.String(),
  areaId: Id,
  areaName: Type.String(),
  items: Type.Array(DistributionItem),
  priorityTags: Type.Array(StringEnum(SPECIAL_TAGS)),
  createdAt: DateTime,
  createdById: Id,
  ...Progress,
  /** Households reopened by a resident's 未收到 and not yet delivered again. */
  reportedMissing: Type.Integer({ description: '居民反映未收到、尚未补发的户数' }),
  buildings: Type.Array(
    Type.Object({ areaId: Id, name: Type.String(), ...Progress, reportedMissing: Type.Integer() }),
    { description: '各楼栋进度 (按楼栋名称)' },
  ),
  unitsWithoutHouseholds: Type.Array(Type.Object({ areaId: Id, address: Type.String() }), {
    description: '台账里没有住户的单元：不会默默跳过，请补登住户',
  }),
  /** Whether the viewer sees the whole round (a leader, secretary or admin) or only their teams' doors. */
  view: StringEnum(['all', 'team'] as const, { description: 'all：整轮；team：只有本队负责的户' }),
});
export type Distribution = Static<typeof Distribution>;

export const DistributionList = Type.Object({ items: Type.Array(Distribution), nextCursor: Nullable(Type.String()) });

export const DistributionHousehold = Type.Object({
  id: Id,
  distributionId: Id,
  householdAreaId: Nullable(Id),
  placeId: Id,
  room: Nullable(Type.String()),
  buildingId: Id,
  buildingName: Type.String(),
  address: Type.String(),
  teamId: Nullable(Id),
  residentNames: Type.Array(Type.String()),
  specialTags: Type.Array(StringEnum(SPECIAL_TAGS)),
  priority: Type.Boolean({ description: '重点户 (优先发放)' }),
  position: Type.Integer(),
  status: StringEnum(['pending', 'delivered'] as const),
  deliveredAt: Nullable(DateTime),
  deliveredById: Nullable(Id),
  deliveredByName: Nullable(Type.String()),
  note: Nullable(Type.String()),
  attachments: Type.Array(Id),
  reportedMissingAt: Nullable(DateTime),
  reportedMissingNote: Nullable(Type.String()),
});
export type DistributionHousehold = Static<typeof DistributionHousehold>;

export const DistributionHouseholdsQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(['pending', 'delivered'] as const)),
    areaId: Type.Optional(Id),
    ...ListQuery,
  },
  { additionalProperties: false },
);
export type DistributionHouseholdsQuery = Static<typeof DistributionHouseholdsQuery>;

export const DistributionHouseholdList = Type.Object({ items: Type.Array(DistributionHousehold), nextCursor: Nullable(Type.String()) });

export const DistributionsQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });

export const DeliveryBody = Type.Object(
  {
    householdAreaId: Type.Optional(Id),
    lineId: Type.Optional(Type.String({ format: 'uuid', description: '没有户级区域的住户 (按单元和门牌号登记) 用这一行的 id' })),
    note: Type.Optional(Text(200, { min: 0 })),
    attachments: Type.Optional(Type.Array(Id, { maxItems: 3, uniqueItems: true })),
  },
  { additionalProperties: false, description: 'householdAreaId 或 lineId，二者之一' },
);
export type DeliveryBody = Static<typeof DeliveryBody>;

export const NotReceivedBody = Type.Object({ note: Type.Optional(Text(200, { min: 0 })) }, { additionalProperties: false });

export const MyDistribution = Type.Object({
  distributionId: Id,
  name: Type.String(),
  items: Type.Array(DistributionItem),
  createdAt: DateTime,
  household: DistributionHousehold,
});
export const MyDistributions = Type.Object({ items: Type.Array(MyDistribution) });
export type MyDistributions = Static<typeof MyDistributions>;

/** Errands (跑腿批次): one trip for several tickets. */
export const CreateErrandBody = Type.Object(
  {
    ticketIds: Type.Array(Id, { minItems: 1, maxItems: 30, uniqueItems: true }),
    note: Type.Optional(Text(200, { min: 0 })),
  },
  { additionalProperties: false },
);
export type CreateErrandBody = Static<typeof CreateErrandBody>;

export const ShoppingLine = Type.Object({
  name: Type.String(),
  unit: Nullable(Type.String()),
  quantity: Type.Number({ description: '合计数量' }),
  substitutesAllowed: Type.Boolean({ description: '每一份都可用同类替代 (有一份写了不可替代即为 false)' }),
  for: Type.Array(
    Type.Object({
      ticketId: Id,
      number: Type.String(),
      forName: Type.String({ description: '给谁买' }),
      address: Type.String(),
      quantity: Type.Number(),
      note: Nullable(Type.String({ description: '如「可用同类替代」「不可替代」' })),
    }),
  ),
});

export const Errand = Type.Object({
  id: Id,
  memberId: Id,
  memberName: Type.String(),
  note: Nullable(Type.String()),
  createdAt: DateTime,
  doneAt: Nullable(DateTime),
  tickets: Type.Array(
    Type.Object({
      id: Id,
      number: Type.String(),
      status: Type.String(),
      category: Type.String(),
      address: Type.String(),
      forName: Type.String(),
      deliveredAt: Nullable(DateTime),
    }),
  ),
  shoppingList: Type.Array(ShoppingLine, { description: '按名称和单位合计的采购清单' }),
});
export type Errand = Static<typeof Errand>;
export const ErrandList = Type.Object({ items: Type.Array(Errand), nextCursor: Nullable(Type.String()) });
export const ErrandsQuery = Type.Object(
  { mine: Type.Optional(Type.Boolean({ description: '只看我的 (目前只有这一种)' })), ...ListQuery },
  { additionalProperties: false },
);
export const DeliverErrandBody = Type.Object(
  {
    ticketId: Id,
    text: Type.Optional(Text(2000)),
    attachments: Type.Optional(Type.Array(Id, { maxItems: 9, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type DeliverErrandBody = Static<typeof DeliverErrandBody>;

/** 借调: a member lent to a busier team until a time. */
export const MAX_SECONDMENT_DAYS = 90;
export const SecondmentBody = Type.Object(
  {
    userId: Id,
    until: Type.String({ format: 'date-time', description: `借调到何时 (晚于现在，最多 ${MAX_SECONDMENT_DAYS} 天)；到时自动结束` }),
    reason: Text(200),
  },
  { additionalProperties: false },
);
export type SecondmentBody = Static<typeof SecondmentBody>;
export const EndSecondmentQuery = Type.Object({ userId: Id }, { additionalProperties: false });

export const Secondment = Type.Object({
  id: Id,
  teamId: Id,
  teamName: Type.String(),
  userId: Id,
  userName: Type.String(),
  fromTeamId: Nullable(Id),
  fromTeamName: Nullable(Type.String()),
  until: DateTime,
  reason: Type.String(),
  createdById: Id,
  createdAt: DateTime,
  endedAt: Nullable(DateTime),
});
export type Secondment = Static<typeof Secondment>;
export const SecondmentList = Type.Object({ items: Type.Array(Secondment) });
