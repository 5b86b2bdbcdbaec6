import { Type } from 'typebox';
import { AnyObject, StringEnum } from './common.js';

/**
 * Every error code the API answers, with its HTTP status and what it means. The server's error
 * helpers take only these codes (apps/api/src/errors.ts), and each endpoint lists the ones it can
 * answer (endpoints.ts): they become its error replies in the OpenAPI document.
 */
export const ERRORS = {
  VALIDATION_ERROR: [400, '请求的字段不符合接口定义；details 逐项列出字段、规则和说明'],
  INVALID_JSON: [400, '请求内容不是有效的 JSON'],
  BAD_REQUEST: [400, '请求格式不正确'],
  INVALID_CURSOR: [400, '翻页游标无效'],
  ADDRESS_REQUIRED: [400, '没有地址：本人没有住址，求助里也没有选'],
  UNKNOWN_AREA: [400, '地址不存在'],
  ADDRESS_TOO_COARSE: [400, '地址需要选到小区、楼栋或单元'],
  UNKNOWN_ATTACHMENT: [400, '附件不存在或已被使用'],
  UNKNOWN_TEAM: [400, '服务队不存在或已停用'],
  NOT_A_MEMBER: [400, '不是本队在岗的队员'],
  SAME_TEAM: [400, '工单已在这个服务队'],
  INVALID_POLICIES: [400, '时限不完整或不一致'],
  INVALID_WINDOW: [400, '统计时间窗口不正确'],
  EXPORT_TOO_LARGE: [400, '要导出的工单太多，请缩小范围'],
  FILE_REQUIRED: [400, '没有上传文件'],
  TOO_MANY_FILES: [400, '一次上传的文件太多'],
  INVALID_BACKUP: [400, '替班队员须是本队其他在队的队员'],
  INVALID_TARGET: [400, '包保对象不正确'],
  SAME_TICKET: [400, '不能把工单合并到它自己'],
  UNKNOWN_TICKET: [400, '要合并到的工单不存在或不可见'],
  INVALID_EXTENSION: [400, '延期时间须晚于现在的办结时限，且不超过 30 天'],
  INVALID_UNTIL: [400, '借调截止时间须晚于现在，且不超过 90 天'],
  INVALID_PAUSE: [400, '暂停计时须到现在之后的某个时间，且不超过 72 小时'],
  UNAUTHORIZED: [401, '没有登录或令牌无效'],
  TOKEN_EXPIRED: [401, '访问令牌已过期，请用刷新令牌换新'],
  ACCOUNT_DISABLED: [401, '账号已停用或不存在'],
  INVALID_REFRESH_TOKEN: [401, '刷新令牌无效、已用过或已过期'],
  WECHAT_CODE_INVALID: [401, '微信登录凭证无效或已使用'],
  FORBIDDEN: [403, '无权进行此操作'],
  HANDOFF_LIMIT: [403, '已转交三次，只能由书记转派'],
  OWN_REQUEST: [403, '不能审批自己提出的申请'],
  NOT_FOUND: [404, '不存在，或不在本人可见的范围内 (不会透露是否存在)'],
  ALREADY_CLAIMED: [409, '已被其他队员签收；details.claimedBy 是签收人'],
  INVALID_TRANSITION: [409, '工单当前状态不能进行这个操作'],
  VERSION_CONFLICT: [409, '工单已被他人更新 (version 不符)'],
  REQUEST_PENDING: [409, '已有一个同类申请 (转交、退单或延期) 在等待处理；details.request 是哪一种'],
  MERGE_TARGET_CLOSED: [409, '要合并到的工单已办结、完成或取消'],
  NOTHING_PENDING: [409, '没有等待处理的这类申请 (可能已被他人处理)'],
  DUPLICATE_CODE: [409, '编码已被使用'],
  ALREADY_IN_A_TEAM: [409, '此人已是另一支综合服务队的队员'],
  ALREADY_RESPONSIBLE: [409, '这位队员已包保这个对象'],
  ALREADY_MEMBER: [409, '已是这支服务队的队员'],
  ALREADY_REQUESTED: [409, '已申请加入，等待审核'],
  ALREADY_DECIDED: [409, '申请已经处理过'],
  ALREADY_DELIVERED: [409, '这一户已经发放过；details.deliveredBy 是发放人'],
  NOT_DELIVERED: [409, '这一户还没有发放记录'],
  ERRAND_TICKET_UNAVAILABLE: [409, '这张工单不能放进跑腿批次 (不是本队的、已办结、已被别人签收或已在另一趟跑腿里)；details.ticketId 指明是哪一张'],
  REQUEST_TIMEOUT: [408, '请求没有在时限内发送完 (请求头和内容须在 REQUEST_TIMEOUT_MS 内到达)；连接随后关闭'],
  INVITE_EXPIRED: [410, '邀请码已过期或已用完'],
  PAYLOAD_TOO_LARGE: [413, '提交的内容或文件太大'],
  URI_TOO_LONG: [414, '地址太长 (路径参数超过长度上限)'],
  UNSUPPORTED_MEDIA_TYPE: [415, '不支持的内容类型或文件格式'],
  IDEMPOTENCY_KEY_REUSED: [422, '同一个 Idempotency-Key 已用于另一份不同的内容'],
  IMPORT_HAS_PROBLEMS: [422, '台账有问题，未导入任何内容；details 是检查报告'],
  RATE_LIMITED: [429, '操作太频繁，请稍后再试'],
  HEADERS_TOO_LARGE: [431, '请求头太大'],
  INTERNAL_ERROR: [500, '服务器出错'],
  WECHAT_UNAVAILABLE: [502, '连不上微信服务器'],
  WECHAT_ERROR: [502, '微信返回了错误'],
  DATABASE_UNAVAILABLE: [503, '数据库暂时无法访问，可以重试；已提交的内容不会丢失'],
  WECHAT_NOT_CONFIGURED: [503, '微信登录尚未配置'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERRORS;
/** The codes answered with this HTTP status. */
export type ErrorCodeOf<S extends number> = { [C in ErrorCode]: (typeof ERRORS)[C][0] extends S ? C : never }[ErrorCode];

export const statusOf = (code: ErrorCode): number => ERRORS[code][0];

/** A problem with one field of a request (VALIDATION_ERROR's details). */
const FieldProblem = Type.Object({
  field: Type.String({ description: '字段，如 items.0.quantity、查询参数 limit' }),
  rule: Type.String({ description: '违反的规则 (JSON Schema 关键字)' }),
  message: Type.Optional(Type.String()),
});

const Details = Type.Union(
  [
    Type.Array(FieldProblem),
    AnyObject('与错误有关的数据，如 field、version、claimedBy'),
  ],
  { description: '出错细节：校验错误时是逐项的字段问题，其他错误时是相关数据' },
);

/** The contract's error shape, for replies that may carry any of these codes. */
export function ErrorReply(codes: readonly ErrorCode[]) {
  return Type.Object(
    {
      error: Type.Object({
        code: StringEnum(codes),
        message: Type.String({ description: '给人看的中文说明' }),
        details: Type.Optional(Details),
      }),
    },
    { description: codes.map((c) => `${c}: ${ERRORS[c][1]}`).join('；') },
  );
}
