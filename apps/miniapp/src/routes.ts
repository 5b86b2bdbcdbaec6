import type { ListTicketsQuery } from '@minhu/contracts';

/** Every page path, defined once. */
export const ROUTES = {
  home: '/pages/home/index',
  requests: '/pages/requests/index',
  me: '/pages/me/index',
  login: '/pages/login/index',
  profile: '/pages/profile/index',
  newTicket: '/pages/new/index',
  ticket: '/pages/ticket/index',
  list: '/pages/list/index',
  team: '/pages/team/index',
  stats: '/pages/stats/index',
  inbox: '/pages/inbox/index',
  /** 用邀请码加入服务队: in the main package, so the link `#/pages/join/index?code=…` opens it at once. */
  join: '/pages/join/index',
  // Organisation management: a sub-package, loaded only by those who open it.
  org: '/package-org/pages/org/index',
  teamAdmin: '/package-org/pages/team-admin/index',
  availability: '/package-org/pages/availability/index',
  audit: '/package-org/pages/audit/index',
  people: '/package-org/pages/people/index',
  // Lockdown logistics (物资发放): a sub-package too.
  distributions: '/package-logistics/pages/rounds/index',
  distribution: '/package-logistics/pages/round/index',
  newErrand: '/package-logistics/pages/errand-new/index',
  errand: '/package-logistics/pages/errand/index',
  /** 力量缺口 and 借调 (secretaries, admins; leaders see their own team). */
  staffing: '/package-logistics/pages/staffing/index',
} as const;

/** The list page (pages/list) showing the tickets of a query, under a title. */
export const listPage = (query: ListTicketsQuery, title: string) =>
  `${ROUTES.list}?query=${encodeURIComponent(JSON.stringify(query))}&title=${encodeURIComponent(title)}`;

export const TAB_PAGES: readonly string[] = [ROUTES.home, ROUTES.requests, ROUTES.me];

/** app.config.ts wants them without the leading slash. */
export const pagePath = (route: string) => route.slice(1);

/** The organisation sub-package: its root, and its pages relative to it. */
export const ORG_PACKAGE = {
  root: 'package-org',
  pages: [ROUTES.org, ROUTES.teamAdmin, ROUTES.availability, ROUTES.audit, ROUTES.people].map((route) => route.slice('/package-org/'.length)),
};

/** The logistics sub-package (物资发放). */
export const LOGISTICS_PACKAGE = {
  root: 'package-logistics',
  pages: [ROUTES.distributions, ROUTES.distribution, ROUTES.newErrand, ROUTES.errand, ROUTES.staffing].map((route) => route.slice('/package-logistics/'.length)),
};
