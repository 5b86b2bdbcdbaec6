import { Type, type Static, type TProperties } from 'typebox';
import {
  AREA_KINDS,
  AVAILABILITIES,
  CATEGORIES,
  CONTROL_LEVELS,
  DUTY_ROLES,
  SPECIAL_TAGS,
  TEAM_ROLES,
} from '@minhu/domain';
import { AnyObject, ContactPhone, DateTime, Id, Mobile, Nullable, StringEnum, Text } from './common.js';
import { AreaItem, TeamItem, type TeamMember } from './org.js';

/** Setting up and keeping the organisation current (台账导入, 服务队, 队员, 包保, 邀请, 操作记录). */

const body = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: false });
const Code = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', description: '台账里的编码' });
const TeamName = Text(50);
const Categories = Type.Array(StringEnum(CATEGORIES), { uniqueItems: true, description: '专项服务队负责的类别；空表示综合服务队' });
const DutyRoles = Type.Array(StringEnum(DUTY_ROLES), { uniqueItems: true });
/** Free-form before/after values of an audited change. */
const Values = AnyObject('改动涉及的字段及其值');

export const ImportQuery = Type.Object({ dryRun: Type.Optional(Type.Boolean({ description: 'true: 只检查，不修改' })) }, { additionalProperties: false });

const Tally = Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() });
export const ImportReport = Type.Object({
  dryRun: Type.Boolean(),
  /** Nothing was changed: a dry run, or problems were found. */
  applied: Type.Boolean(),
  problems: Type.Array(
    Type.Object({
      file: Type.String(),
      sheet: Type.String(),
      row: Nullable(Type.Integer()),
      column: Nullable(Type.String()),
      message: Type.String(),
    }),
  ),
  counts: Type.Object({
    areas: Tally,
    teams: Tally,
    people: Tally,
    members: Tally,
    officials: Tally,
    responsibilities: Tally,
  }),
  sheets: Type.Array(Type.Object({ file: Type.String(), sheet: Type.String(), kind: Nullable(Type.String()), rows: Type.Integer() })),
});
export type ImportReport = Static<typeof ImportReport>;

export const AreaDetail = Type.Object({
  area: Type.Object({ id: Id, name: Type.String(), kind: StringEnum(AREA_KINDS), controlLevel: StringEnum(CONTROL_LEVELS) }),
  children: Type.Array(AreaItem),
  teams: Type.Array(TeamItem),
  coverage: Type.Object({
    uncoveredUnits: Type.Integer(),
    uncoveredPeople: Type.Integer(),
    units: Type.Array(Type.Object({ id: Id, name: Type.String() })),
    people: Type.Array(Type.Object({ id: Id, name: Type.String(), tags: Type.Array(StringEnum(SPECIAL_TAGS)), home: Nullable(Type.String()) })),
  }),
});
export type AreaDetail = Static<typeof AreaDetail>;

export const ControlLevelBody = body({ controlLevel: StringEnum(CONTROL_LEVELS) });
export const ControlLevelReply = Type.Object({ id: Id, controlLevel: StringEnum(CONTROL_LEVELS) });

export const CreateTeamBody = body({
  name: TeamName,
  areaId: Id,
  code: Type.Optional(Code),
  categories: Type.Optional(Categories),
  phone: Type.Optional(ContactPhone),
});
/** At least one field: an empty change is a mistake, not a no-op to audit. */
export const UpdateTeamBody = Type.Object(
  {
    name: Type.Optional(TeamName),
    categories: Type.Optional(Categories),
    phone: Type.Optional(Nullable(ContactPhone)),
    active: Type.Optional(Type.Boolean()),
    /** 负载均衡: routing gives no member more open tickets than this when nobody answers for the address. */
    maxOpenPerMember: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: '每名队员最多同时办理的工单数 (默认 8)' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTeamBody = Static<typeof UpdateTeamBody>;
export const TeamRecord = Type.Object({
  id: Id,
  code: Nullable(Type.String()),
  name: Type.String(),
  areaId: Id,
  categories: Type.Array(StringEnum(CATEGORIES)),
  phone: Nullable(Type.String()),
  active: Type.Boolean(),
  maxOpenPerMember: Type.Integer(),
});

export const AddMemberBody = body({
  name: Text(30),
  phone: Mobile,
  role: Type.Optional(StringEnum(TEAM_ROLES)),
  dutyRoles: Type.Optional(DutyRoles),
});
export const AddedMember = Type.Object({ userId: Id });
export const MemberParams = Type.Object({ id: Id, userId: Id });
export const UpdateMemberBody = Type.Object(
  {
    role: Type.Optional(StringEnum(TEAM_ROLES)),
    dutyRoles: Type.Optional(DutyRoles),
    active: Type.Optional(Type.Boolean()),
    availability: Type.Optional(StringEnum(AVAILABILITIES)),
    backupMemberId: Type.Optional(Nullable(Id)),
    availabilityNote: Type.Optional(Nullable(Text(100, { min: 0 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);
/** The fields of a membership that can be changed (PUT /teams/:id/members/:userId). */
export type MemberChange = Static<typeof UpdateMemberBody>;

export const Responsibility = Type.Object({
  id: Id,
  memberId: Id,
  memberName: Type.String(),
  target: Type.Object({ kind: StringEnum(['area', 'person'] as const), id: Id, name: Type.String() }),
});
export type Responsibility = Static<typeof Responsibility>;
export const ResponsibilityList = Type.Object({ items: Type.Array(Responsibility) });
export const AddResponsibilityBody = body({
  teamId: Id,
  memberId: Id,
  areaId: Type.Optional(Id),
  personId: Type.Optional(Id),
});
export const Created = Type.Object({ id: Id });
export const Removed = Type.Object({ removed: Type.Boolean() });

export const CreateInviteBody = body({
  hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 720, description: '有效小时数，默认 72' })),
  maxUses: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: '最多使用次数，默认 20' })),
});
export const Invite = Type.Object({ code: Type.String(), teamId: Id, teamName: Type.String(), expiresAt: DateTime, maxUses: Type.Integer() });
export type Invite = Static<typeof Invite>;
export const CodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9]{6,12}$' }) });
export const InviteInfo = Type.Object({ code: Type.String(), teamId: Id, teamName: Type.String(), expiresAt: DateTime, valid: Type.Boolean() });
export type InviteInfo = Static<typeof InviteInfo>;
export const JoinReply = Type.Object({ id: Id, teamId: Id, teamName: Type.String(), status: StringEnum(['pending'] as const) });

const JOIN_STATUSES = ['pending', 'approved', 'rejected'] as const;
export const JoinRequest = Type.Object({
  id: Id,
  userId: Id,
  name: Type.String(),
  phone: Nullable(Type.String()),
  status: StringEnum(JOIN_STATUSES),
  createdAt: DateTime,
});
export type JoinRequest = Static<typeof JoinRequest>;
export const JoinRequestList = Type.Object({ items: Type.Array(JoinRequest) });
export const Decision = Type.Object({ id: Id, status: StringEnum(JOIN_STATUSES) });

export const AuditQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: '只看编号小于它的 (翻页)' })),
    entity: Type.Optional(Text(30, { min: 0 })),
  },
  { additionalProperties: false },
);
export const AuditExportQuery = Type.Object(
  {
    entity: Type.Optional(Text(30, { min: 0, description: '只导出这类对象，如 ticket (查看工单详情的记录)、person' })),
    from: Type.Optional(Type.String({ format: 'date-time', description: '从这个时间起 (含)' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: '到这个时间止 (不含)' })),
  },
  { additionalProperties: false },
);
export type AuditExportQuery = Static<typeof AuditExportQuery>;
export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: DateTime,
  actorId: Nullable(Id),
  actorName: Nullable(Type.String()),
  entity: Type.String(),
  entityId: Nullable(Type.String()),
  action: Type.String(),
  before: Nullable(Values),
  after: Nullable(Values),
});
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditList = Type.Object({ items: Type.Array(AuditEntry) });

export type TeamMemberRow = Static<typeof TeamMember>;
