import { LOGISTICS_PACKAGE, ORG_PACKAGE, ROUTES, pagePath } from './routes';

export default defineAppConfig({
  pages: [
    pagePath(ROUTES.home),
    pagePath(ROUTES.requests),
    pagePath(ROUTES.me),
    pagePath(ROUTES.login),
    pagePath(ROUTES.profile),
    pagePath(ROUTES.newTicket),
    pagePath(ROUTES.ticket),
    pagePath(ROUTES.list),
    pagePath(ROUTES.team),
    pagePath(ROUTES.stats),
    pagePath(ROUTES.inbox),
    pagePath(ROUTES.join),
  ],
  subPackages: [ORG_PACKAGE, LOGISTICS_PACKAGE],
  window: {
    navigationBarBackgroundColor: '#C8161D',
    navigationBarTitleText: '民呼我行',
    navigationBarTextStyle: 'white',
    backgroundColor: '#F5F6F7',
    backgroundTextStyle: 'dark',
    // WeChat's default; in the browser it turns on Taro's own bar: the title and a back button.
    navigationStyle: 'default',
  },
  tabBar: {
    color: '#555555',
    selectedColor: '#C8161D',
    backgroundColor: '#FFFFFF',
    borderStyle: 'black',
    list: [
      { pagePath: pagePath(ROUTES.home), text: '首页', iconPath: 'assets/tab/home.png', selectedIconPath: 'assets/tab/home-on.png' },
      { pagePath: pagePath(ROUTES.requests), text: '求助单', iconPath: 'assets/tab/list.png', selectedIconPath: 'assets/tab/list-on.png' },
      { pagePath: pagePath(ROUTES.me), text: '我的', iconPath: 'assets/tab/me.png', selectedIconPath: 'assets/tab/me-on.png' },
    ],
  },
});
