import type { TicketAction } from '@minhu/domain';
import { IdParams } from './common.js';
import { endpoint, type Endpoint } from './endpoint.js';
import type { ErrorCode } from './errors.js';
import { AuthReply, DevAccounts, DevLoginBody, Me, RefreshBody, WechatLoginBody } from './auth.js';
import { AreaList, AreasQuery, Contacts, TeamList, TeamMember, TeamMemberList, UpdateMeBody } from './org.js';
import {
  AddedMember,
  AddMemberBody,
  AddResponsibilityBody,
  AreaDetail,
  AuditList,
  AuditQuery,
  CodeParams,
  ControlLevelBody,
  ControlLevelReply,
  Created,
  CreateInviteBody,
  CreateTeamBody,
  Decision,
  ImportQuery,
  ImportReport,
  Invite,
  InviteInfo,
  JoinReply,
  JoinRequestList,
  MemberParams,
  Removed,
  ResponsibilityList,
  TeamRecord,
  UpdateMemberBody,
  UpdateTeamBody,
} from './org-admin.js';
import { ActionBodies, CreateTicketBody, IdempotencyHeaders, ListTicketsQuery, Ticket, TicketDetail, TicketList } from './tickets.js';
import {
  DailySeries,
  MarkReadBody,
  MemberLoad,
  MetricsQuery,
  MetricsSummary,
  NotificationList,
  NotificationsQuery,
  PolicyList,
  PutPoliciesBody,
  Updated,
} from './monitoring.js';
import { Health, OpenApiDocument, UploadReply } from './system.js';
import {
  CreateDistributionBody,
  DeliveryBody,
  Distribution,
  DistributionHousehold,
  DistributionHouseholdList,
  DistributionHouseholdsQuery,
  DistributionList,
  DistributionsQuery,
  MyDistributions,
  NotReceivedBody,
} from './logistics.js';

/**
 * THE table of the API's endpoints, by operation id. The API registers its routes from it
 * (apps/api/src/routes), the OpenAPI document is made from it (openapi.ts), and the mini-program's
 * client is typed from it (apps/miniapp/src/services/api.ts). A route that is not here does not
 * exist; an endpoint here without a handler stops the API at start-up.
 */

/** Where the endpoints' paths start. */
export const API_BASE_PATH = '/api/v1';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const LEDGER =
  '台账：统计范围与时间窗口同 /metrics/summary (按提交时间)，每张工单一行：编号、类别、紧急程度、状态、地址、服务队、处理人、' +
  '提交/签收/办结/完成时间 (北京时间)、签收与办结用时 (分钟，自提交起)、是否超时 (签收或办结超过时限，或仍在办且已过时限)、评价星级、是否满意。' +
  '边读边发，不整表载入内存；超过 1,000,000 行时返回 400 EXPORT_TOO_LARGE，请缩小范围。' +
  '开始发送后若出错，连接会被中断 (不会给出截短的文件)。';

const DISTRIBUTION_LEDGER =
  '发放台账：每户一行，按发放顺序 (重点户在前)：序号、地址、楼栋、住户、重点人员类别、状态、发放人、发放时间 (北京时间)、备注、居民反馈未收到的时间和说明。' +
  'CSV 为 UTF-8 带 BOM，以 = + - @ 开头的内容前加单引号；边读边发。';

const METRICS_ERRORS = ['INVALID_WINDOW', 'FORBIDDEN', 'NOT_FOUND'] as const satisfies readonly ErrorCode[];
const ACTION_ERRORS = ['NOT_FOUND', 'FORBIDDEN', 'INVALID_TRANSITION', 'VERSION_CONFLICT'] as const satisfies readonly ErrorCode[];

/** A ticket action: `POST /tickets/:id/<action>`, replying with the updated ticket. */
const action = <const A extends TicketAction, const X extends readonly ErrorCode[]>(name: A, summary: string, errors: X) =>
  endpoint({
    method: 'POST',
    path: `/tickets/:id/${name}` as `/tickets/:id/${A}`,
    tag: 'tickets',
    summary,
    params: IdParams,
    body: ActionBodies[name],
    bodyOptional: true,
    replies: { 200: Ticket },
    errors: [...ACTION_ERRORS, ...errors],
  });

export const endpoints = {
  // 健康与文档
  health: endpoint({
    method: 'GET',
    path: '/health',
    tag: 'system',
    summary: '服务与数据库是否可用',
    public: true,
    replies: { 200: Health, 503: Health },
    errors: [],
  }),
  openApi: endpoint({
    method: 'GET',
    path: '/openapi.json',
    tag: 'system',
    summary: '本接口的 OpenAPI 3.1 文档',
    public: true,
    replies: { 200: OpenApiDocument },
    errors: [],
  }),

  // 登录
  wechatLogin: endpoint({
    method: 'POST',
    path: '/auth/wechat',
    tag: 'auth',
    summary: '微信登录：用 wx.login 的 code 换取令牌',
    public: true,
    body: WechatLoginBody,
    replies: { 200: AuthReply },
    errors: ['WECHAT_CODE_INVALID', 'ACCOUNT_DISABLED', 'RATE_LIMITED', 'WECHAT_UNAVAILABLE', 'WECHAT_ERROR', 'WECHAT_NOT_CONFIGURED'],
  }),
  refreshTokens: endpoint({
    method: 'POST',
    path: '/auth/refresh',
    tag: 'auth',
    summary: '用刷新令牌换新令牌 (每个刷新令牌只能用一次)',
    public: true,
    body: RefreshBody,
    replies: { 200: AuthReply },
    errors: ['INVALID_REFRESH_TOKEN', 'ACCOUNT_DISABLED'],
  }),
  devLogin: endpoint({
    method: 'POST',
    path: '/auth/dev',
    tag: 'auth',
    summary: '演示登录：用手机号直接登录 (生产环境默认关闭，关闭时为 404)',
    public: true,
    devOnly: true,
    body: DevLoginBody,
    replies: { 200: AuthReply },
    errors: ['ACCOUNT_DISABLED'],
  }),
  listDevAccounts: endpoint({
    method: 'GET',
    path: '/auth/dev/accounts',
    tag: 'auth',
    summary: '演示账号列表 (演示登录开启时)',
    public: true,
    devOnly: true,
    replies: { 200: DevAccounts },
    errors: [],
  }),
  getMe: endpoint({
    method: 'GET',
    path: '/me',
    tag: 'auth',
    summary: '当前登录的人：角色、服务队、负责的区域、住址',
    replies: { 200: Me },
    errors: [],
  }),
  updateMe: endpoint({
    method: 'PATCH',
    path: '/me',
    tag: 'auth',
    summary: '修改本人姓名、住址、特殊情况',
    body: UpdateMeBody,
    replies: { 200: Me },
    errors: ['UNKNOWN_AREA', 'ADDRESS_TOO_COARSE'],
  }),
  updateMeByPost: endpoint({
    method: 'POST',
    path: '/me',
    tag: 'auth',
    summary: '修改本人信息 (同 PATCH /me；微信的 wx.request 不能发 PATCH)',
    body: UpdateMeBody,
    replies: { 200: Me },
    errors: ['UNKNOWN_AREA', 'ADDRESS_TOO_COARSE'],
  }),
  getContacts: endpoint({
    method: 'GET',
    path: '/me/contacts',
    tag: 'auth',
    summary: '我家的服务队、包保队员和队长 (一键呼叫)',
    replies: { 200: Contacts },
    errors: [],
  }),

  // 组织 (所有人可读的部分)
  listAreas: endpoint({
    method: 'GET',
    path: '/areas',
    tag: 'org',
    summary: '选地址：某区域下的小区、楼栋、单元 (网格层略过)；或按名称搜索小区',
    query: AreasQuery,
    replies: { 200: AreaList },
    errors: ['NOT_FOUND'],
  }),
  listTeams: endpoint({
    method: 'GET',
    path: '/teams',
    tag: 'org',
    summary: '在岗的服务队 (转派时选择)',
    replies: { 200: TeamList },
    errors: [],
  }),
  listTeamMembers: endpoint({
    method: 'GET',
    path: '/teams/:id/members',
    tag: 'org',
    summary: '服务队队员 (本队队员、辖区书记、管理员可见)',
    params: IdParams,
    replies: { 200: TeamMemberList },
    errors: ['NOT_FOUND'],
  }),

  // 工单
  createTicket: endpoint({
    method: 'POST',
    path: '/tickets',
    tag: 'tickets',
    summary: '提交求助。同一 Idempotency-Key 重复提交返回同一工单 (200)；键相同内容不同则 422',
    headers: IdempotencyHeaders,
    body: CreateTicketBody,
    replies: { 201: Ticket, 200: Ticket },
    errors: ['ADDRESS_REQUIRED', 'UNKNOWN_AREA', 'ADDRESS_TOO_COARSE', 'UNKNOWN_ATTACHMENT', 'IDEMPOTENCY_KEY_REUSED'],
  }),
  listTickets: endpoint({
    method: 'GET',
    path: '/tickets',
    tag: 'tickets',
    summary: '工单列表：超时的在前，然后按到期时间',
    query: ListTicketsQuery,
    replies: { 200: TicketList },
    errors: ['INVALID_CURSOR', 'FORBIDDEN', 'NOT_FOUND'],
  }),
  getTicket: endpoint({
    method: 'GET',
    path: '/tickets/:id',
    tag: 'tickets',
    summary: '工单详情与完整时间线',
    params: IdParams,
    replies: { 200: TicketDetail },
    errors: ['NOT_FOUND'],
  }),
  claimTicket: action('claim', '签收 (本队队员；并发签收只有一人成功，其余 409)', ['ALREADY_CLAIMED']),
  startTicket: action('start', '开始办理 (签收人或队长)', []),
  noteTicket: action('note', '添加办理记录 (签收人、队长、书记)', ['UNKNOWN_ATTACHMENT']),
  resolveTicket: action('resolve', '办结 (签收人或队长)', ['UNKNOWN_ATTACHMENT']),
  transferTicket: action('transfer', '转派到其他服务队 (签收人、队长、书记)', ['SAME_TEAM', 'UNKNOWN_TEAM']),
  assignTicket: action('assign', '指派给本队队员 (队长、书记)', ['NOT_A_MEMBER']),
  cancelTicket: action('cancel', '取消求助 (提交人，办结前)', []),
  confirmTicket: action('confirm', '确认办结并评价；不满意则重新办理并督办 (提交人或求助对象)', []),

  // 照片
  createUpload: endpoint({
    method: 'POST',
    path: '/uploads',
    tag: 'uploads',
    summary: '上传照片 (处方、送达凭证)：JPEG/PNG/WebP，最大 5 MB，按文件内容识别类型',
    upload: { files: { file: '照片' }, maxFiles: 1 },
    replies: { 201: UploadReply },
    errors: ['FILE_REQUIRED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'],
  }),
  getUpload: endpoint({
    method: 'GET',
    path: '/uploads/:id',
    tag: 'uploads',
    summary: '照片内容 (上传人，以及能查看所属工单的人)',
    params: IdParams,
    replies: { 200: { file: 'image/*', description: '照片' } },
    errors: ['NOT_FOUND'],
  }),

  // 消息、时限、统计、台账
  listNotifications: endpoint({
    method: 'GET',
    path: '/notifications',
    tag: 'notifications',
    summary: '我的消息，最新的在前',
    query: NotificationsQuery,
    replies: { 200: NotificationList },
    errors: ['INVALID_CURSOR'],
  }),
  markNotificationsRead: endpoint({
    method: 'POST',
    path: '/notifications/read',
    tag: 'notifications',
    summary: '标为已读 (不传 ids 则全部已读)',
    body: MarkReadBody,
    bodyOptional: true,
    replies: { 200: Updated },
    errors: [],
  }),
  markNotificationRead: endpoint({
    method: 'POST',
    path: '/notifications/:id/read',
    tag: 'notifications',
    summary: '一条标为已读',
    params: IdParams,
    replies: { 200: Updated },
    errors: [],
  }),
  listPolicies: endpoint({
    method: 'GET',
    path: '/sla-policies',
    tag: 'monitoring',
    summary: '现行时限 (未设置时为默认时限)',
    replies: { 200: PolicyList },
    errors: [],
  }),
  replacePolicies: endpoint({
    method: 'PUT',
    path: '/sla-policies',
    tag: 'monitoring',
    summary: '替换全部时限 (管理员)；每个类别×紧急程度都须有不分管控级别的一条；只影响此后提交的工单',
    body: PutPoliciesBody,
    replies: { 200: PolicyList },
    errors: ['FORBIDDEN', 'INVALID_POLICIES'],
  }),
  metricsSummary: endpoint({
    method: 'GET',
    path: '/metrics/summary',
    tag: 'monitoring',
    summary: '响应率、解决率、满意率、签收与办结用时 (中位数、90 分位)、超时积压，及各服务队',
    query: MetricsQuery,
    replies: { 200: MetricsSummary },
    errors: METRICS_ERRORS,
  }),
  metricsDaily: endpoint({
    method: 'GET',
    path: '/metrics/daily',
    tag: 'monitoring',
    summary: '每日求助量 (按北京时间)',
    query: MetricsQuery,
    replies: { 200: DailySeries },
    errors: METRICS_ERRORS,
  }),
  metricsMembers: endpoint({
    method: 'GET',
    path: '/metrics/members',
    tag: 'monitoring',
    summary: '每位队员的负荷：在办、超时、窗口内签收与办结',
    query: MetricsQuery,
    replies: { 200: MemberLoad },
    errors: METRICS_ERRORS,
  }),
  exportTicketsCsv: endpoint({
    method: 'GET',
    path: '/exports/tickets.csv',
    tag: 'monitoring',
    summary: '导出台账 (CSV，UTF-8 带 BOM，Excel 可直接打开)',
    description: LEDGER,
    query: MetricsQuery,
    replies: { 200: { file: 'text/csv', description: 'CSV 台账，首行为表头' } },
    errors: [...METRICS_ERRORS, 'EXPORT_TOO_LARGE'],
  }),
  exportTicketsXlsx: endpoint({
    method: 'GET',
    path: '/exports/tickets.xlsx',
    tag: 'monitoring',
    summary: '导出台账 (Excel 工作簿，表头冻结)',
    description: LEDGER,
    query: MetricsQuery,
    replies: { 200: { file: XLSX, description: 'Excel 台账，工作表「台账」，首行为表头' } },
    errors: [...METRICS_ERRORS, 'EXPORT_TOO_LARGE'],
  }),

  // 组织管理
  importOrganisation: endpoint({
    method: 'POST',
    path: '/org/import',
    tag: 'org-admin',
    summary: '导入组织台账 (管理员)：xlsx 或多个 csv；dryRun=true 只检查不修改；有问题时整体不导入 (422，附检查报告)',
    query: ImportQuery,
    upload: { files: { file: '台账文件 (.xlsx，或各表的 .csv，可多个)' }, maxFiles: 10 },
    replies: { 200: ImportReport },
    errors: ['FORBIDDEN', 'FILE_REQUIRED', 'TOO_MANY_FILES', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'IMPORT_HAS_PROBLEMS'],
  }),
  getLedgerTemplate: endpoint({
    method: 'GET',
    path: '/org/templates/ledger.xlsx',
    tag: 'org-admin',
    summary: '组织台账模板 (xlsx，中文表头)',
    replies: { 200: { file: XLSX, description: '组织台账模板' } },
    errors: [],
  }),
  getArea: endpoint({
    method: 'GET',
    path: '/areas/:id',
    tag: 'org-admin',
    summary: '区域详情：下级、服务队、未覆盖的单元和重点人员 (书记、管理员)',
    params: IdParams,
    replies: { 200: AreaDetail },
    errors: ['NOT_FOUND'],
  }),
  setControlLevel: endpoint({
    method: 'PUT',
    path: '/areas/:id/control-level',
    tag: 'org-admin',
    summary: '设置管控级别 (记录操作人和时间；此后提交的工单按该级别时限)',
    params: IdParams,
    body: ControlLevelBody,
    replies: { 200: ControlLevelReply },
    errors: ['NOT_FOUND'],
  }),
  createTeam: endpoint({
    method: 'POST',
    path: '/teams',
    tag: 'org-admin',
    summary: '新建服务队 (书记、管理员)',
    body: CreateTeamBody,
    replies: { 201: TeamRecord },
    errors: ['NOT_FOUND', 'DUPLICATE_CODE'],
  }),
  updateTeam: endpoint({
    method: 'PUT',
    path: '/teams/:id',
    tag: 'org-admin',
    summary: '修改服务队 (书记、管理员)',
    params: IdParams,
    body: UpdateTeamBody,
    replies: { 200: TeamRecord },
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  }),
  addTeamMember: endpoint({
    method: 'POST',
    path: '/teams/:id/members',
    tag: 'org-admin',
    summary: '添加队员 (队长、书记、管理员)；按手机号，新号码会新建人员',
    params: IdParams,
    body: AddMemberBody,
    replies: { 201: AddedMember },
    errors: ['NOT_FOUND', 'FORBIDDEN', 'ALREADY_IN_A_TEAM'],
  }),
  updateTeamMember: endpoint({
    method: 'PUT',
    path: '/teams/:id/members/:userId',
    tag: 'org-admin',
    summary: '修改队员：职务、岗位、在队；在岗状态和替班 (队员本人只能改自己的在岗状态)',
    params: MemberParams,
    body: UpdateMemberBody,
    replies: { 200: TeamMember },
    errors: ['NOT_FOUND', 'FORBIDDEN', 'INVALID_BACKUP'],
  }),
  listResponsibilities: endpoint({
    method: 'GET',
    path: '/teams/:id/responsibilities',
    tag: 'org-admin',
    summary: '本队的包保关系',
    params: IdParams,
    replies: { 200: ResponsibilityList },
    errors: ['NOT_FOUND'],
  }),
  addResponsibility: endpoint({
    method: 'POST',
    path: '/responsibilities',
    tag: 'org-admin',
    summary: '安排包保 (队长、书记、管理员)：队员 ↔ 网格/楼栋/单元/户 或 人员',
    body: AddResponsibilityBody,
    replies: { 201: Created },
    errors: ['NOT_FOUND', 'FORBIDDEN', 'INVALID_TARGET', 'NOT_A_MEMBER', 'ALREADY_RESPONSIBLE'],
  }),
  removeResponsibility: endpoint({
    method: 'DELETE',
    path: '/responsibilities/:id',
    tag: 'org-admin',
    summary: '取消包保',
    params: IdParams,
    replies: { 200: Removed },
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  }),
  createInvite: endpoint({
    method: 'POST',
    path: '/teams/:id/invites',
    tag: 'org-admin',
    summary: '生成入队邀请码 (队长、书记、管理员)：有效期和次数有限',
    params: IdParams,
    body: CreateInviteBody,
    bodyOptional: true,
    replies: { 201: Invite },
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  }),
  getInvite: endpoint({
    method: 'GET',
    path: '/invites/:code',
    tag: 'org-admin',
    summary: '邀请码对应的服务队',
    params: CodeParams,
    replies: { 200: InviteInfo },
    errors: ['NOT_FOUND'],
  }),
  joinTeam: endpoint({
    method: 'POST',
    path: '/invites/:code/join',
    tag: 'org-admin',
    summary: '用邀请码申请入队 (双报到)，等待队长审核',
    params: CodeParams,
    replies: { 201: JoinReply },
    errors: ['NOT_FOUND', 'ALREADY_MEMBER', 'ALREADY_REQUESTED', 'INVITE_EXPIRED'],
  }),
  listJoinRequests: endpoint({
    method: 'GET',
    path: '/teams/:id/join-requests',
    tag: 'org-admin',
    summary: '待审核的入队申请 (队长、书记、管理员)',
    params: IdParams,
    replies: { 200: JoinRequestList },
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  }),
  approveJoinRequest: endpoint({
    method: 'POST',
    path: '/join-requests/:id/approve',
    tag: 'org-admin',
    summary: '同意入队',
    params: IdParams,
    replies: { 200: Decision },
    errors: ['NOT_FOUND', 'FORBIDDEN', 'ALREADY_DECIDED', 'ALREADY_IN_A_TEAM'],
  }),
  rejectJoinRequest: endpoint({
    method: 'POST',
    path: '/join-requests/:id/reject',
    tag: 'org-admin',
    summary: '拒绝入队',
    params: IdParams,
    replies: { 200: Decision },
    errors: ['NOT_FOUND', 'FORBIDDEN', 'ALREADY_DECIDED'],
  }),
  auditLog: endpoint({
    method: 'GET',
    path: '/audit',
    tag: 'org-admin',
    summary: '组织变更记录 (管理员)：谁、何时、改前、改后',
    query: AuditQuery,
    replies: { 200: AuditList },
    errors: ['FORBIDDEN'],
  }),

  // 封控期物资保障：健康包等物资按户发放
  createDistribution: endpoint({
    method: 'POST',
    path: '/distributions',
    tag: 'logistics',
    summary: '发起一轮按户发放 (队长、书记、管理员)：区域内每户一行，重点户在前；台账里没有住户的单元会列出来',
    body: CreateDistributionBody,
    replies: { 201: Distribution },
    errors: ['NOT_FOUND'],
  }),
  listDistributions: endpoint({
    method: 'GET',
    path: '/distributions',
    tag: 'logistics',
    summary: '我能看到的发放轮次，最新的在前 (辖区的，或有本队负责户的)',
    query: DistributionsQuery,
    replies: { 200: DistributionList },
    errors: ['INVALID_CURSOR'],
  }),
  getDistribution: endpoint({
    method: 'GET',
    path: '/distributions/:id',
    tag: 'logistics',
    summary: '一轮发放的总进度和各楼栋进度 (队员只看本队负责的户)',
    params: IdParams,
    replies: { 200: Distribution },
    errors: ['NOT_FOUND'],
  }),
  listDistributionHouseholds: endpoint({
    method: 'GET',
    path: '/distributions/:id/households',
    tag: 'logistics',
    summary: '逐户清单 (重点户在前)；可按状态、楼栋或单元筛选',
    params: IdParams,
    query: DistributionHouseholdsQuery,
    replies: { 200: DistributionHouseholdList },
    errors: ['NOT_FOUND', 'INVALID_CURSOR'],
  }),
  recordDistributionDelivery: endpoint({
    method: 'POST',
    path: '/distributions/:id/deliveries',
    tag: 'logistics',
    summary: '登记这一户已发放 (负责这户的服务队队员)；每户只登记一次，两人同时登记只有一人成功，另一人 409',
    params: IdParams,
    body: DeliveryBody,
    replies: { 201: DistributionHousehold },
    errors: ['NOT_FOUND', 'FORBIDDEN', 'BAD_REQUEST', 'UNKNOWN_ATTACHMENT', 'ALREADY_DELIVERED'],
  }),
  reportDistributionNotReceived: endpoint({
    method: 'POST',
    path: '/distributions/:id/not-received',
    tag: 'logistics',
    summary: '居民反映我家没有收到：这一户改回未发放，并通知服务队队长',
    params: IdParams,
    body: NotReceivedBody,
    bodyOptional: true,
    replies: { 200: DistributionHousehold },
    errors: ['NOT_FOUND', 'NOT_DELIVERED'],
  }),
  listMyDistributions: endpoint({
    method: 'GET',
    path: '/me/distributions',
    tag: 'logistics',
    summary: '我家的发放记录 (最近 20 轮)',
    replies: { 200: MyDistributions },
    errors: [],
  }),
  exportDistributionCsv: endpoint({
    method: 'GET',
    path: '/exports/distributions/:id.csv',
    tag: 'logistics',
    summary: '导出发放台账 (CSV)',
    description: DISTRIBUTION_LEDGER,
    params: IdParams,
    replies: { 200: { file: 'text/csv', description: 'CSV 发放台账，首行为表头' } },
    errors: ['NOT_FOUND'],
  }),
  exportDistributionXlsx: endpoint({
    method: 'GET',
    path: '/exports/distributions/:id.xlsx',
    tag: 'logistics',
    summary: '导出发放台账 (Excel)',
    description: DISTRIBUTION_LEDGER,
    params: IdParams,
    replies: { 200: { file: XLSX, description: 'Excel 发放台账，工作表「发放台账」' } },
    errors: ['NOT_FOUND'],
  }),
} satisfies Record<string, Endpoint>;

export type Endpoints = typeof endpoints;
export type OperationId = keyof Endpoints;

/** The tags the endpoints are grouped by, with what each is for. */
export const TAGS: Record<Endpoints[OperationId]['tag'], string> = {
  system: '健康检查与接口文档',
  auth: '登录与本人信息',
  org: '地址、服务队与队员 (查询)',
  tickets: '求助工单：提交、列表、详情与办理',
  uploads: '照片 (处方、送达凭证)',
  notifications: '站内消息',
  monitoring: '时限、统计 (三率) 与台账导出',
  'org-admin': '组织管理：台账导入、服务队、队员、包保、邀请与操作记录',
  logistics: '封控期物资保障：健康包按户发放',
};

/** Method and path of each endpoint: all a client needs at run time (no schemas). */
export function routeTable(): Record<OperationId, readonly [Endpoint['method'], string]> {
  return Object.fromEntries(Object.entries(endpoints).map(([id, e]) => [id, [e.method, e.path] as const])) as Record<
    OperationId,
    readonly [Endpoint['method'], string]
  >;
}

