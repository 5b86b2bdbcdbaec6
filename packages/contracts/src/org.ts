import { Type, type Static } from 'typebox';
import { AREA_KINDS, AVAILABILITIES, CATEGORIES, COMPOUND_TYPES, CONTROL_LEVELS, DUTY_ROLES, NOTIFY_BY, SPECIAL_TAGS, TEAM_ROLES } from '@minhu/domain';
import { Id, Nullable, StringEnum, Text } from './common.js';

export const AreasQuery = Type.Object(
  {
    parentId: Type.Optional(Id),
    q: Type.Optional(Text(30, { description: '按名称搜索小区' })),
  },
  { additionalProperties: false },
);

export const AreaItem = Type.Object({
  id: Id,
  name: Type.String(),
  kind: StringEnum(AREA_KINDS),
  compoundType: Nullable(StringEnum(COMPOUND_TYPES)),
  controlLevel: StringEnum(CONTROL_LEVELS),
  hasChildren: Type.Boolean(),
  parentName: Type.Optional(Type.String()),
});
export type AreaItem = Static<typeof AreaItem>;
export const AreaList = Type.Object({ items: Type.Array(AreaItem) });

export const UpdateMeBody = Type.Object(
  {
    name: Type.Optional(Text(30)),
    homeAreaId: Type.Optional(Id),
    homeDetail: Type.Optional(Nullable(Text(30, { min: 0 }))),
    specialTags: Type.Optional(Type.Array(StringEnum(SPECIAL_TAGS), { uniqueItems: true })),
    notifyBy: Type.Optional(StringEnum(NOTIFY_BY, { description: '进展怎么告诉我：app 小程序、sms 短信、call 队员打电话、none 无法联系' })),
  },
  { additionalProperties: false },
);
export type UpdateMeBody = Static<typeof UpdateMeBody>;

const Contact = Nullable(Type.Object({ id: Id, name: Type.String(), phone: Nullable(Type.String()) }));
export const Contacts = Type.Object({
  team: Nullable(Type.Object({ id: Id, name: Type.String(), phone: Nullable(Type.String()) })),
  /** 包保: the member responsible for the person or their home. */
  responsible: Contact,
  leader: Contact,
});
export type Contacts = Static<typeof Contacts>;

export const TeamItem = Type.Object({
  id: Id,
  name: Type.String(),
  areaId: Id,
  areaName: Type.String(),
  categories: Type.Array(StringEnum(CATEGORIES)),
  phone: Nullable(Type.String()),
  /** Routing gives no member more open tickets than this when it assigns by load. */
  maxOpenPerMember: Type.Integer(),
});
export type TeamItem = Static<typeof TeamItem>;
export const TeamList = Type.Object({ items: Type.Array(TeamItem) });

export const TeamMember = Type.Object({
  id: Id,
  name: Type.String(),
  phone: Nullable(Type.String()),
  role: StringEnum(TEAM_ROLES),
  dutyRoles: Type.Array(StringEnum(DUTY_ROLES)),
  /** Still on the team. */
  active: Type.Boolean(),
  availability: StringEnum(AVAILABILITIES),
  backupMemberId: Nullable(Id),
  availabilityNote: Nullable(Type.String()),
});
export const TeamMemberList = Type.Object({ items: Type.Array(TeamMember) });
