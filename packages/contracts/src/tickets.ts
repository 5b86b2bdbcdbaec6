import { Type, type Static } from 'typebox';
import {
  CATEGORIES,
  CONFIRM_METHODS,
  NOTE_KINDS,
  CONTROL_LEVELS,
  EVENT_TYPES,
  NOTIFY_BY,
  SPECIAL_TAGS,
  TICKET_STATUSES,
  URGENCIES,
  type TicketAction,
} from '@minhu/domain';
import { AnyObject, ContactPhone, DateTime, Id, ListQuery, MAX_INT, Mobile, Nullable, StringEnum, Text } from './common.js';

export const MAX_DESCRIPTION = 2000;
export const MAX_ITEMS = 50;
export const MAX_ATTACHMENTS = 9;

export const TicketItemInput = Type.Object(
  {
    name: Text(100),
    quantity: Type.Number({ exclusiveMinimum: 0, maximum: 100000 }),
    unit: Type.Optional(Text(20, { min: 0 })),
    note: Type.Optional(Text(200, { min: 0 })),
  },
  { additionalProperties: false },
);

export const CreateTicketBody = Type.Object(
  {
    category: Type.Optional(StringEnum(CATEGORIES, { description: '必填，除非 callBack (请回电) 时不填 (其他求助)' })),
    urgency: Type.Optional(StringEnum(URGENCIES, { description: '必填，除非 callBack 时不填 (一般)' })),
    description: Type.Optional(Text(MAX_DESCRIPTION, { min: 0, description: '必填，除非 callBack 时可为空' })),
    callBack: Type.Optional(Type.Boolean({ description: '请回电：只请队员打电话回来；{"callBack": true} 即可提交' })),
    items: Type.Optional(Type.Array(TicketItemInput, { maxItems: MAX_ITEMS })),
    areaId: Type.Optional(Id),
    contactName: Type.Optional(Text(50, { min: 0 })),
    contactPhone: Type.Optional(ContactPhone),
    beneficiary: Type.Optional(
      Type.Union(
        [
          Type.Object({ personId: Id }, { additionalProperties: false, description: '从人员台账中选的人 (如单元的住户名单)' }),
          Type.Object(
            { name: Text(50), phone: Type.Optional(Mobile), areaId: Id },
            { additionalProperties: false, description: '手写的人：按手机号、否则按同户/同单元的姓名匹配台账；都没有则新增一位待核实的人' },
          ),
        ],
        { description: '代人求助的对象' },
      ),
    ),
    attachments: Type.Optional(Type.Array(Id, { maxItems: MAX_ATTACHMENTS, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type CreateTicketBody = Static<typeof CreateTicketBody>;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Text(128, { description: '客户端生成的唯一键；同一键重复提交返回同一工单' }),
});

const ACTION_NAMES: readonly TicketAction[] = [
  'claim',
  'start',
  'note',
  'resolve',
  'transfer',
  'acceptHandoff',
  'declineHandoff',
  'return',
  'approveReturn',
  'rejectReturn',
  'extend',
  'approveExtension',
  'rejectExtension',
  'pause',
  'resume',
  'merge',
  'assign',
  'cancel',
  'confirm',
  'confirmOnBehalf',
  'acceptBeneficiary',
  'declineBeneficiary',
  'releaseContent',
];

/** Who asked for something waiting for an answer, when and why. */
const RequestFields = { reason: Type.String(), requestedAt: DateTime, requestedById: Id };

export const TicketItem = Type.Object({
  name: Type.String(),
  quantity: Type.Number(),
  unit: Nullable(Type.String()),
  note: Nullable(Type.String()),
});

const Person = Type.Object({ id: Id, name: Type.String(), phone: Nullable(Type.String()) });

export const Ticket = Type.Object({
  id: Id,
  number: Type.String(),
  category: StringEnum(CATEGORIES),
  urgency: StringEnum(URGENCIES),
  /** What the filer chose; `urgency` may be higher for a special person. */
  requestedUrgency: StringEnum(URGENCIES),
  status: StringEnum(TICKET_STATUSES),
  description: Type.String(),
  items: Type.Array(TicketItem),
  areaId: Id,
  address: Type.String(),
  controlLevel: StringEnum(CONTROL_LEVELS),
  teamId: Nullable(Id),
  team: Nullable(Type.Object({ id: Id, name: Type.String(), phone: Nullable(Type.String()) })),
  assigneeId: Nullable(Id),
  assignee: Nullable(Person),
  filedById: Id,
  filedBy: Person,
  contactName: Nullable(Type.String()),
  contactPhone: Nullable(Type.String()),
  beneficiary: Nullable(
    Type.Object({
      userId: Nullable(Id),
      /** The register person it is for (the same as userId). */
      personId: Nullable(Id),
      name: Type.String(),
      phone: Nullable(Type.String()),
      areaId: Nullable(Id),
      /** Their verified tags: for the team and those over it, not for a filer who typed a phone. */
      specialTags: Type.Optional(Type.Array(StringEnum(SPECIAL_TAGS))),
      /** How they hear about it: for the team and those over it. */
      notifyBy: Type.Optional(StringEnum(NOTIFY_BY)),
      /**
       * For the team and those over it: false while the person the phone matched (who uses the
       * app) has not yet said it is theirs (acceptBeneficiary).
       */
      accepted: Type.Optional(Type.Boolean()),
    }),
  ),
  attachments: Type.Array(Id),
  /**
   * In a list shown to a secretary above the community (a subdistrict's): description and items
   * are left out (category and status stay); the ticket's own page shows them.
   */
  detailsHidden: Type.Optional(Type.Boolean()),
  /** WeChat's content check on the description, for the team and those over it (issue 16.9). */
  contentCheck: Type.Optional(Nullable(StringEnum(['pass', 'review', 'risky', 'unchecked'] as const))),
  /** Text the check called risky waits for the leader to release it (releaseContent). */
  contentHeld: Type.Boolean(),
  routeReason: Type.String(),
  flagged: Type.Boolean(),
  /** 请回电: asked only to be called back. */
  callBack: Type.Boolean(),
  createdAt: DateTime,
  claimedAt: Nullable(DateTime),
  resolvedAt: Nullable(DateTime),
  closedAt: Nullable(DateTime),
  responseDueAt: DateTime,
  resolveDueAt: DateTime,
  /** The deadline that matters now: claim-by while waiting, resolve-by while worked. */
  dueAt: Nullable(DateTime),
  overdue: Type.Boolean(),
  version: Type.Integer(),
  rating: Nullable(Type.Integer()),
  satisfied: Nullable(Type.Boolean()),
  ratingComment: Nullable(Type.String()),
  /** 首接负责: offered to another team, still this team's (queue, clock) until that team accepts. */
  handoff: Nullable(Type.Object({ toTeamId: Id, ...RequestFields })),
  /** How many times it has moved to another team; after 3 only a secretary moves it. */
  handoffCount: Type.Integer(),
  /** 可能重复: open tickets for the same person (or name and address) and category filed in the 72 h before it. */
  possibleDuplicateOf: Type.Array(Id),
  /** 退单 waiting for a secretary's ruling. */
  returnRequest: Nullable(Type.Object(RequestFields)),
  /** 延期 waiting for a secretary's ruling: the resolve due time asked for. */
  extension: Nullable(Type.Object({ until: DateTime, ...RequestFields })),
  /** 暂停计时 while it lasts: the resolve clock stands still until `until` (resolveDueAt already includes it). */
  pause: Nullable(Type.Object({ until: DateTime, ...RequestFields })),
  /** What the caller may do with it now. */
  actions: Type.Array(StringEnum(ACTION_NAMES)),
});
export type Ticket = Static<typeof Ticket>;

export const TicketEvent = Type.Object({
  id: Type.Integer(),
  type: StringEnum(EVENT_TYPES),
  actorId: Nullable(Id),
  actorName: Nullable(Type.String()),
  at: DateTime,
  data: AnyObject('随事件类型而定：如 reason、level、teamId、text'),
});
export type TicketEvent = Static<typeof TicketEvent>;

export const TicketDetail = Type.Object({ ticket: Ticket, events: Type.Array(TicketEvent) });
export type TicketDetail = Static<typeof TicketDetail>;

export const TICKET_SCOPES = ['mine', 'filed', 'assigned', 'team', 'incoming', 'area', 'approvals'] as const;
export type TicketScope = (typeof TICKET_SCOPES)[number];

export const ListTicketsQuery = Type.Object(
  {
    scope: Type.Optional(
      StringEnum(TICKET_SCOPES, {
        description:
          'mine: 我提交的、为我提交的和分派给我的; filed: 我提交的和为我提交的; assigned: 分派给我的; team: 我所在服务队的; incoming: 转交给我所在服务队、等待接收的; area: 我负责的辖区 (书记、管理员); approvals: 辖区内待审批的 (退单、延期，以及转交超过 30 分钟无人接收的；书记、管理员)',
      }),
    ),
    status: Type.Optional(StringEnum(TICKET_STATUSES)),
    open: Type.Optional(Type.Boolean({ description: 'true: 只看未办结的 (待签收、已签收、办理中)' })),
    category: Type.Optional(StringEnum(CATEGORIES)),
    urgency: Type.Optional(StringEnum(URGENCIES)),
    overdue: Type.Optional(Type.Boolean()),
    teamId: Type.Optional(Id),
    areaId: Type.Optional(Id),
    ...ListQuery,
  },
  { additionalProperties: false },
);
export type ListTicketsQuery = Static<typeof ListTicketsQuery>;

/** The member home's counters, exact (not a page's length). */
export const TicketCounts = Type.Object({
  unclaimed: Type.Integer({ minimum: 0, description: '待签收：我所在服务队等待签收的' }),
  mine: Type.Integer({ minimum: 0, description: '我的：分派给我、未办结的' }),
  overdue: Type.Integer({ minimum: 0, description: '超时：我所在服务队未办结且已过当前到期时间的' }),
  incoming: Type.Integer({ minimum: 0, description: '待接收：转交给我所在服务队、等待接收的' }),
});
export type TicketCounts = Static<typeof TicketCounts>;

export const TicketList = Type.Object({
  items: Type.Array(Ticket),
  nextCursor: Nullable(Type.String()),
});

const Version = { version: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT })) };
const Attachments = Type.Optional(Type.Array(Id, { maxItems: MAX_ATTACHMENTS, uniqueItems: true }));

const ConfirmBody = Type.Object(
  {
    ...Version,
    satisfied: Type.Boolean(),
    rating: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Text(500, { min: 0 })),
    method: Type.Optional(
      StringEnum(CONFIRM_METHODS, { description: '回访方式：签收人或队长替没有小程序的求助对象记录确认和评价，phone 电话回访、visit 上门回访' }),
    ),
  },
  { additionalProperties: false },
);

export const ActionBodies = {
  claim: Type.Object({ ...Version }, { additionalProperties: false }),
  start: Type.Object({ ...Version }, { additionalProperties: false }),
  note: Type.Object(
    {
      ...Version,
      text: Text(MAX_DESCRIPTION),
      attachments: Attachments,
      kind: Type.Optional(StringEnum(NOTE_KINDS, { description: 'call：队员给居民打电话的记录 (打给谁、说了什么)' })),
    },
    { additionalProperties: false },
  ),
  resolve: Type.Object(
    { ...Version, text: Text(MAX_DESCRIPTION), attachments: Attachments },
    { additionalProperties: false },
  ),
  transfer: Type.Object({ ...Version, teamId: Id, reason: Text(500) }, { additionalProperties: false }),
  acceptHandoff: Type.Object({ ...Version }, { additionalProperties: false }),
  declineHandoff: Type.Object({ ...Version, reason: Text(500) }, { additionalProperties: false }),
  return: Type.Object({ ...Version, reason: Text(500) }, { additionalProperties: false }),
  approveReturn: Type.Object(
    { ...Version, teamId: Type.Optional(Type.String({ format: 'uuid', description: '转给这个服务队；不传则重新分派 (不含退单的服务队)' })) },
    { additionalProperties: false },
  ),
  rejectReturn: Type.Object({ ...Version, reason: Text(500) }, { additionalProperties: false }),
  extend: Type.Object(
    { ...Version, until: Type.String({ format: 'date-time', description: '新的办结时限：晚于现在的时限，至多 30 天后' }), reason: Text(500) },
    { additionalProperties: false },
  ),
  approveExtension: Type.Object({ ...Version }, { additionalProperties: false }),
  pause: Type.Object(
    { ...Version, until: Type.String({ format: 'date-time', description: '暂停到什么时候：晚于现在，至多 72 小时后' }), reason: Text(500) },
    { additionalProperties: false },
  ),
  resume: Type.Object({ ...Version }, { additionalProperties: false }),
  merge: Type.Object({ ...Version, intoTicketId: Id }, { additionalProperties: false }),
  rejectExtension: Type.Object({ ...Version, reason: Text(500) }, { additionalProperties: false }),
  assign: Type.Object({ ...Version, assigneeId: Id }, { additionalProperties: false }),
  acceptBeneficiary: Type.Object({ ...Version }, { additionalProperties: false }),
  declineBeneficiary: Type.Object({ ...Version }, { additionalProperties: false }),
  releaseContent: Type.Object({ ...Version }, { additionalProperties: false }),
  cancel: Type.Object({ ...Version, reason: Text(500) }, { additionalProperties: false }),
  confirm: ConfirmBody,
  // Not a path of its own: POST /tickets/:id/confirm with a method.
  confirmOnBehalf: ConfirmBody,
} as const;
