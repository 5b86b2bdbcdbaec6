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
} as const;

export const TAB_PAGES: readonly string[] = [ROUTES.home, ROUTES.requests, ROUTES.me];

/** app.config.ts wants them without the leading slash. */
export const pagePath = (route: string) => route.slice(1);
