import { Type, type Static } from 'typebox';
import { NOTIFY_BY, SPECIAL_TAGS } from '@minhu/domain';
import { DateTime, Id, ListQuery, Nullable, StringEnum, Text } from './common.js';

export const PeopleQuery = Type.Object(
  {
    areaId: Type.Optional(Id),
    tag: Type.Optional(StringEnum(SPECIAL_TAGS)),
    tagged: Type.Optional(Type.Boolean({ description: 'true：只列有重点人员类别 (已核实或待核实) 的人' })),
    q: Type.Optional(Text(30, { description: '姓名的一部分，或手机号后几位 (4 位以上)' })),
    ...ListQuery,
  },
  { additionalProperties: false },
);
export type PeopleQuery = Static<typeof PeopleQuery>;

export const Person = Type.Object({
  id: Id,
  name: Type.String(),
  phone: Nullable(Type.String({ description: '包保队员、队长、管理员看到完整号码，其他人看到 139****0001' })),
  areaId: Id,
  address: Type.String(),
  specialTags: Type.Array(StringEnum(SPECIAL_TAGS), { description: '已核实的类别：提高优先级' }),
  tagsVerified: Type.Boolean(),
  homeVerified: Type.Boolean({ description: '住址已核实 (台账导入或队长、书记核实)；本人自填的住址未核实前只显示服务队，不显示包保队员和队长电话' }),
  pendingTags: Type.Array(StringEnum(SPECIAL_TAGS), { description: '本人申报、待核实的类别：不提高优先级' }),
  hasApp: Type.Boolean({ description: '是否用过小程序' }),
  notifyBy: StringEnum(NOTIFY_BY),
  responsibleMemberId: Nullable(Id),
  responsibleMemberName: Nullable(Type.String()),
  openTickets: Type.Integer({ minimum: 0 }),
  lastContactAt: Nullable(DateTime),
});
export type Person = Static<typeof Person>;
export const PeopleList = Type.Object({ items: Type.Array(Person), nextCursor: Nullable(Type.String()) });
export type PeopleList = Static<typeof PeopleList>;

export const SetTagsBody = Type.Object(
  {
    specialTags: Type.Array(StringEnum(SPECIAL_TAGS), { uniqueItems: true, maxItems: SPECIAL_TAGS.length }),
    note: Type.Optional(Text(200, { description: '核实说明 (记入操作记录)' })),
  },
  { additionalProperties: false },
);
export type SetTagsBody = Static<typeof SetTagsBody>;

export const VerifyHomeBody = Type.Object(
  { note: Type.Optional(Text(200, { description: '核实说明 (记入操作记录)' })) },
  { additionalProperties: false },
);
export type VerifyHomeBody = Static<typeof VerifyHomeBody>;

export const SetNotifyByBody = Type.Object(
  { notifyBy: StringEnum(NOTIFY_BY, { description: 'app 小程序、sms 短信 (配置短信后收到签收、办结等短信)、call 队员打电话、none 无法联系 (上门)' }) },
  { additionalProperties: false },
);
export type SetNotifyByBody = Static<typeof SetNotifyByBody>;
